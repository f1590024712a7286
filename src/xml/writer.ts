/**
 * libvirt's canonical serialisation: two-space indent, single-quoted
 * attributes, self-closing empty elements, and libvirt's escaping
 * (`virBufferEscapeString`: `< > & ' "` become entities and control
 * characters other than tab, newline and carriage return are dropped).
 *
 * Why not xmlbuilder2's writer: it always quotes attributes with `"` (4.0.3
 * has no option for `'`) and escapes differently, and canonical output is the
 * spec here. The serialiser is the few functions below.
 */
import type { XmlElement, XmlNode } from './tree.js';

const ESCAPE_RE = /[<>&'"\x00-\x08\x0b\x0c\x0e-\x1f]/;
const ESCAPE_ALL = /[<>&'"\x00-\x08\x0b\x0c\x0e-\x1f]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '&':
      return '&amp;';
    case "'":
      return '&apos;';
    case '"':
      return '&quot;';
    default:
      return '';
  }
}

/** libvirt's `virBufferEscapeString`, used for attribute values and text alike. */
export function escapeLibvirt(s: string): string {
  return ESCAPE_RE.test(s) ? s.replace(ESCAPE_ALL, escapeChar) : s;
}

/** libxml2's escaping for `xmlNodeDump` (foreign content in `<metadata>`). */
function escapeLibxmlAttr(s: string): string {
  return s.replace(/[&<>"\n\r\t]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : `&#${c.charCodeAt(0)};`,
  );
}
function escapeLibxmlText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

const INDENTS: string[] = Array.from({ length: 64 }, (_, i) => '  '.repeat(i));

/** Two spaces a level (made once: the formatter asks for one per element written). */
export function indentOf(level: number): string {
  return INDENTS[level] ?? '  '.repeat(level);
}

/** ` name='value'` in libvirt's form. */
export function attribute(name: string, value: string): string {
  return ' ' + name + "='" + escapeLibvirt(value) + "'";
}

function isBlank(s: string): boolean {
  return /^[ \t\r\n]*$/.test(s);
}

/**
 * Writes a kept XML node (unknown content, `<metadata>` children) at
 * `level`, ending with a newline. Whitespace-only text between elements is
 * re-indented; an element holding non-blank text next to elements is written
 * exactly, on one line, so its text is not changed.
 */
export function writeNode(node: XmlNode, level: number, quote: "'" | '"' = "'"): string {
  const ind = indentOf(level);
  switch (node.type) {
    case 'comment':
      return `${ind}<!--${node.text}-->\n`;
    case 'pi':
      return `${ind}<?${node.target}${node.body ? ' ' + node.body : ''}?>\n`;
    case 'text':
      return isBlank(node.text) ? '' : ind + escapeText(node.text, quote) + '\n';
    case 'element':
      return ind + writeElement(node, level, quote) + '\n';
  }
}

function escapeText(s: string, quote: "'" | '"'): string {
  return quote === "'" ? escapeLibvirt(s) : escapeLibxmlText(s);
}

function startTag(el: XmlElement, quote: "'" | '"'): string {
  let s = '<' + el.name;
  for (const a of el.attributes) {
    s += quote === "'" ? attribute(a.name, a.value) : ' ' + a.name + '="' + escapeLibxmlAttr(a.value) + '"';
  }
  return s;
}

function writeInline(node: XmlNode, quote: "'" | '"'): string {
  switch (node.type) {
    case 'comment':
      return `<!--${node.text}-->`;
    case 'pi':
      return `<?${node.target}${node.body ? ' ' + node.body : ''}?>`;
    case 'text':
      return escapeText(node.text, quote);
    case 'element': {
      const st = startTag(node, quote);
      if (node.children.length === 0) return st + '/>';
      return st + '>' + node.children.map((c) => writeInline(c, quote)).join('') + '</' + node.name + '>';
    }
  }
}

/** An element without its leading indent or trailing newline. */
export function writeElement(el: XmlElement, level: number, quote: "'" | '"' = "'"): string {
  const st = startTag(el, quote);
  const kids = el.children;
  if (kids.length === 0) return st + '/>';
  let hasElement = false;
  let hasText = false;
  for (const k of kids) {
    if (k.type === 'element' || k.type === 'comment' || k.type === 'pi') hasElement = true;
    else if (!isBlank(k.text)) hasText = true;
  }
  if (!hasElement) {
    return hasText || kids.length ? st + '>' + kids.map((k) => writeInline(k, quote)).join('') + '</' + el.name + '>' : st + '/>';
  }
  if (hasText) return writeInline(el, quote);
  let body = '';
  for (const k of kids) body += writeNode(k, level + 1, quote);
  return st + '>\n' + body + indentOf(level) + '</' + el.name + '>';
}
