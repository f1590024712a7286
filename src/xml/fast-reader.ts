/**
 * Fast path of the XML reader: a hand-written scanner that builds exactly the
 * tree the saxes path of ./reader.ts builds (same attribute order, `start`
 * offsets, namespaces, dropped indentation, text merging, CDATA flags,
 * comments and PIs), for a subset of XML it can check completely:
 *
 * - names (elements, attributes, PI targets) of ASCII name characters only;
 * - the five predefined entities and character references (decoded and
 *   range-checked as saxes does), nothing else after `&`;
 * - comments, CDATA sections, PIs, an XML 1.0 declaration at the very start;
 * - no DOCTYPE, no `]]>` in text, no character XML 1.0 forbids, no lone
 *   surrogate.
 *
 * It never reports an error: on anything outside that subset, or anything
 * wrong (including the reader's own checks — unbound prefixes, the depth
 * limit), it returns `undefined` and the caller falls back to the saxes path,
 * which stays the single source of errors and their places. So it can only
 * decline input, never accept input saxes rejects, and the differential tests
 * (test/xml-fast-reader.test.ts) hold it to the saxes path's tree.
 */
import type { XmlAttribute, XmlElement, XmlNode } from './tree.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
/** The root scope (never mutated: an element declaring xmlns copies it). */
const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);

// ASCII character classes: bit 1 name start, bit 2 name character
const NAME_START = 1;
const NAME_CHAR = 2;
const CLS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) CLS[c] = NAME_START | NAME_CHAR;
  else if (/[0-9.-]/.test(ch)) CLS[c] = NAME_CHAR;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const BANG = 0x21;
const QMARK = 0x3f;
const CR = 0x0d;
const LF = 0x0a;
const DQ = 0x22;
const SQ = 0x27;

/** Code units that may be forbidden: C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, surrogates. */
const SUSPECT = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
/** The forbidden ones: the controls, U+FFFE/U+FFFF and lone surrogates (saxes swallows the unit after a lone high one). */
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** An XML 1.0 declaration as saxes accepts it (version 1.0 only: another version switches saxes to XML 1.1 rules). */
const XML_DECL =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.0"|'1\.0')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;

/** An entity or character reference, as saxes decodes them (`&#x` with a lowercase x only). */
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#x([0-9a-fA-F]+)|#([0-9]+));/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isS(c: number): boolean {
  return c === 0x20 || c === LF || c === 0x09 || c === CR;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/** XML 1.0 Char production (xmlchars' isChar). */
function isXmlChar(c: number): boolean {
  return (
    (c >= 0x20 && c <= 0xd7ff) || c === 0x0a || c === 0x0d || c === 0x09 || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** Decodes the reference at `at` (an `&`); undefined when saxes would reject it. `ENTITY.lastIndex` is left after it. */
function entityAt(s: string, at: number): string | undefined {
  ENTITY.lastIndex = at;
  const m = ENTITY.exec(s);
  if (!m) return undefined;
  if (m[1] !== undefined) return PREDEFINED[m[1]];
  const num = m[2] !== undefined ? parseInt(m[2], 16) : parseInt(m[3]!, 10);
  if (!isXmlChar(num)) return undefined;
  return String.fromCodePoint(num);
}

const NEWLINES = /\r\n?/g;
const ATTR_SPACE = /\r\n|[\t\n\r]/g;

const enum Chars {
  /** character data as written */
  Text,
  /** character data with CR or CRLF line ends, which become LF */
  TextCr,
  /** an attribute value (no quote inside): TAB/LF/CR/CRLF become a space, `<` is refused */
  Attr,
}

/** Character data or an attribute value s[a, b), references decoded; undefined if saxes would reject it. */
function decodeChars(s: string, a: number, b: number, kind: Chars): string | undefined {
  let out = '';
  let i = a;
  for (;;) {
    let amp = s.indexOf('&', i);
    if (amp < 0 || amp >= b) amp = b;
    const raw = s.slice(i, amp);
    if (kind === Chars.Attr) {
      if (raw.indexOf('<') >= 0) return undefined;
      out += raw.replace(ATTR_SPACE, ' ');
    } else out += kind === Chars.TextCr ? raw.replace(NEWLINES, '\n') : raw;
    if (amp === b) return out;
    const v = entityAt(s, amp);
    if (v === undefined || ENTITY.lastIndex > b) return undefined;
    out += v;
    i = ENTITY.lastIndex;
  }
}

/**
 * Whitespace-only text between elements is indentation, not content: as in
 * the saxes path, it is dropped before an element, comment or PI.
 */
function dropIndentation(parent: XmlElement): void {
  const kids = parent.children;
  const last = kids[kids.length - 1];
  if (last && last.type === 'text' && !last.cdata && isBlank(last.text)) kids.pop();
}

function addText(parent: XmlElement, text: string, cdata: boolean): void {
  const kids = parent.children;
  const last = kids[kids.length - 1];
  if (last && last.type === 'text' && !cdata && !last.cdata) last.text += text;
  else kids.push(cdata ? { type: 'text', text, cdata: true } : { type: 'text', text });
}

/**
 * Offset after the comment or PI at `i` (its `<`), adding it to `parent` if
 * there is one; -1 when it is not in the subset. `i + 1` is `!` or `?`.
 */
function miscAt(s: string, i: number, parent: XmlElement | undefined, cr: boolean): number {
  const n = s.length;
  if (s.charCodeAt(i + 1) === BANG) {
    if (!s.startsWith('<!--', i)) return -1;
    const a = i + 4;
    const end = s.indexOf('--', a);
    if (end < 0 || s.charCodeAt(end + 2) !== GT) return -1;
    if (parent) {
      let text = s.slice(a, end);
      if (cr) text = text.replace(NEWLINES, '\n');
      dropIndentation(parent);
      parent.children.push({ type: 'comment', text } satisfies XmlNode);
    }
    return end + 3;
  }
  // processing instruction
  let j = i + 2;
  let c = s.charCodeAt(j);
  if (!(c < 128 && CLS[c]! & NAME_START)) return -1;
  j++;
  while (j < n && (c = s.charCodeAt(j)) < 128 && CLS[c]! & NAME_CHAR) j++;
  const target = s.slice(i + 2, j);
  if (target.toLowerCase() === 'xml') return -1; // an XML declaration out of place
  if (c !== QMARK && !isS(c)) return -1;
  while (j < n && isS(s.charCodeAt(j))) j++;
  const end = s.indexOf('?>', j);
  if (end < 0) return -1;
  if (parent) {
    let body = s.slice(j, end);
    if (cr) body = body.replace(NEWLINES, '\n');
    dropIndentation(parent);
    parent.children.push({ type: 'pi', target, body });
  }
  return end + 2;
}

/** Offset of the first non-space at or after i. */
function skipSpaces(s: string, i: number): number {
  // bounded: reading past the end (NaN) deoptimizes the caller, and every document ends there
  const n = s.length;
  while (i < n && isS(s.charCodeAt(i))) i++;
  return i;
}

/** Comments and PIs before the root element (prolog) and after it (epilogue), in document order. */
export interface Outside {
  prolog: XmlNode[];
  epilogue: XmlNode[];
}

/** A stand-in parent that collects the nodes outside the root. */
function holder(): XmlElement {
  return { type: 'element', name: '#document', attributes: [], children: [], start: -1 };
}

/**
 * The root element of `s` as the saxes path would build it, or undefined
 * when the input is outside the fast path's subset (or wrong in any way).
 */
export function fastReadXml(s: string, maxDepth: number, maxAttributes = Infinity, maxElements = Infinity, outside?: Outside): XmlElement | undefined {
  let elements = 0;
  const n = s.length;
  if (SUSPECT.test(s) && FORBIDDEN.test(s)) return undefined;
  const cr = s.indexOf('\r') >= 0;

  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (s.startsWith('<?xml', i) && !(s.charCodeAt(i + 5) < 128 && CLS[s.charCodeAt(i + 5)]! & NAME_CHAR)) {
    XML_DECL.lastIndex = i;
    if (!XML_DECL.test(s)) return undefined;
    i = XML_DECL.lastIndex;
  }

  // prolog: whitespace, comments and PIs
  const prolog = outside ? holder() : undefined;
  for (;;) {
    i = skipSpaces(s, i);
    if (i >= n || s.charCodeAt(i) !== LT) return undefined;
    const c = s.charCodeAt(i + 1);
    if (c === BANG || c === QMARK) {
      i = miscAt(s, i, prolog, cr);
      if (i < 0) return undefined;
    } else break;
  }

  const stack: XmlElement[] = [];
  const scopes: Array<ReadonlyMap<string, string>> = [ROOT_SCOPE];
  const scopeDepth: number[] = [];
  let root: XmlElement | undefined;
  let parent: XmlElement | undefined;
  // next `]]>` at or after the scan position (text may not contain one)
  let nextCdataEnd = s.indexOf(']]>');
  if (nextCdataEnd < 0) nextCdataEnd = n;
  let nextAmp = s.indexOf('&');
  if (nextAmp < 0) nextAmp = n;

  // i is at a `<` that is not followed by `!` or `?`
  for (;;) {
    const lt = i;
    let c = s.charCodeAt(lt + 1);
    if (c === SLASH) {
      // end tag: must close the open element
      const el = parent;
      if (!el) return undefined;
      const name = el.name;
      if (!s.startsWith(name, lt + 2)) return undefined;
      let j = lt + 2 + name.length;
      c = s.charCodeAt(j);
      if (c !== GT) {
        if (!isS(c)) return undefined;
        j = skipSpaces(s, j);
        if (s.charCodeAt(j) !== GT) return undefined;
      }
      i = j + 1;
      stack.pop();
      const kids = el.children;
      if (kids.length > 1 && kids[kids.length - 2]!.type !== 'text') dropIndentation(el);
      if (scopeDepth.length && scopeDepth[scopeDepth.length - 1] === stack.length) {
        scopeDepth.pop();
        scopes.pop();
      }
      parent = stack[stack.length - 1];
      if (!parent) break;
    } else {
      // start tag
      if (!(c < 128 && CLS[c]! & NAME_START)) return undefined;
      let j = lt + 2;
      while ((c = s.charCodeAt(j)) < 128 && CLS[c]! & NAME_CHAR) j++;
      if (j >= n) return undefined;
      const name = s.slice(lt + 1, j);
      // saxes places the tag from the position after the character that ended
      // the name, and reads CR LF as one character: the saxes path's `start`
      // is one more than the `<` then
      const start = c === CR && s.charCodeAt(j + 1) === LF ? lt + 1 : lt;
      const attributes: XmlAttribute[] = [];
      let declared: Map<string, string> | undefined;
      let seen: Set<string> | undefined;
      let selfClosing = false;
      for (;;) {
        if (c === GT) {
          j++;
          break;
        }
        if (c === SLASH) {
          if (s.charCodeAt(j + 1) !== GT) return undefined;
          j += 2;
          selfClosing = true;
          break;
        }
        if (!isS(c)) return undefined;
        j++;
        while (isS((c = s.charCodeAt(j)))) j++;
        if (c === GT || c === SLASH) continue;
        // attribute
        if (!(c < 128 && CLS[c]! & NAME_START)) return undefined;
        const nameStart = j;
        j++;
        while ((c = s.charCodeAt(j)) < 128 && CLS[c]! & NAME_CHAR) j++;
        const aname = s.slice(nameStart, j);
        while (isS(c)) c = s.charCodeAt(++j);
        if (c !== 0x3d /* = */) return undefined;
        while (isS((c = s.charCodeAt(++j))));
        if (c !== DQ && c !== SQ) return undefined;
        const a = j + 1;
        const b = s.indexOf(c === DQ ? '"' : "'", a);
        if (b < 0) return undefined;
        let k = a;
        for (; k < b; k++) {
          const d = s.charCodeAt(k);
          if (d < 0x3d && (d === LT || d === AMP || d < 0x20)) break;
        }
        let value: string | undefined;
        if (k === b) value = s.slice(a, b);
        else {
          value = decodeChars(s, a, b, Chars.Attr);
          if (value === undefined) return undefined;
        }
        // duplicates: a linear search on the few attributes an element usually has, a set beyond
        if (attributes.length < 12) {
          for (let m = 0; m < attributes.length; m++) if (attributes[m]!.name === aname) return undefined;
        } else {
          seen ??= new Set(attributes.map((x) => x.name));
          if (seen.has(aname)) return undefined;
          seen.add(aname);
        }
        attributes.push({ name: aname, value });
        if (aname.charCodeAt(0) === 120 /* x */ && (aname === 'xmlns' || aname.startsWith('xmlns:'))) {
          declared ??= new Map(scopes[scopes.length - 1]);
          declared.set(aname === 'xmlns' ? '' : aname.slice(6), value);
        }
        j = b + 1;
        c = s.charCodeAt(j);
      }
      i = j;
      if (stack.length >= maxDepth || attributes.length > maxAttributes || ++elements > maxElements) return undefined;
      if (declared) {
        scopes.push(declared);
        scopeDepth.push(stack.length);
      }
      const el: XmlElement = {
        type: 'element',
        name,
        attributes,
        children: [],
        start,
      };
      const colon = name.indexOf(':');
      const scope = scopes[scopes.length - 1]!;
      const ns = colon < 0 ? scope.get('') : scope.get(name.slice(0, colon));
      if (colon >= 0 && ns === undefined) return undefined;
      if (ns) el.ns = ns;
      if (parent) {
        dropIndentation(parent);
        parent.children.push(el);
      } else root = el;
      if (selfClosing) {
        // an empty element: its scope (if any) ends with it
        if (scopeDepth.length && scopeDepth[scopeDepth.length - 1] === stack.length) {
          scopeDepth.pop();
          scopes.pop();
        }
        if (!parent) break;
      } else {
        stack.push(el);
        parent = el;
      }
    }

    // content up to the next `<`, comments, PIs and CDATA sections
    for (;;) {
      const lt2 = s.indexOf('<', i);
      if (lt2 < 0) return undefined;
      c = s.charCodeAt(lt2 + 1);
      if (lt2 > i) {
        let k = i;
        while (k < lt2 && isS(s.charCodeAt(k))) k++;
        if (k === lt2) {
          // Indentation: the saxes path adds it as a text node and drops it
          // again before an element, comment or PI, and at the end tag after
          // an element, comment or PI. It is only ever kept before a CDATA
          // section, or as the only content or after a CDATA section at the end tag.
          let keep: boolean;
          if (c === SLASH) {
            const kids = parent!.children;
            keep = kids.length === 0 || kids[kids.length - 1]!.type === 'text';
          } else keep = c === BANG && s.startsWith('<![CDATA[', lt2);
          if (keep) addText(parent!, cr ? s.slice(i, lt2).replace(NEWLINES, '\n') : s.slice(i, lt2), false);
          i = lt2;
        }
      }
      if (lt2 > i) {
        if (nextCdataEnd < i) {
          nextCdataEnd = s.indexOf(']]>', i);
          if (nextCdataEnd < 0) nextCdataEnd = n;
        }
        if (nextCdataEnd < lt2) return undefined;
        if (nextAmp < i) {
          nextAmp = s.indexOf('&', i);
          if (nextAmp < 0) nextAmp = n;
        }
        let text: string | undefined;
        if (nextAmp < lt2) {
          text = decodeChars(s, i, lt2, cr ? Chars.TextCr : Chars.Text);
          if (text === undefined) return undefined;
        } else {
          text = s.slice(i, lt2);
          if (cr) text = text.replace(NEWLINES, '\n');
        }
        addText(parent!, text, false);
      }
      i = lt2;
      if (c === BANG && s.startsWith('<![CDATA[', i)) {
        const a = i + 9;
        const end = s.indexOf(']]>', a);
        if (end < 0) return undefined;
        let text = s.slice(a, end);
        if (cr) text = text.replace(NEWLINES, '\n');
        addText(parent!, text, true);
        i = end + 3;
      } else if (c === BANG || c === QMARK) {
        i = miscAt(s, i, parent, cr);
        if (i < 0) return undefined;
      } else break;
    }
  }

  // epilog: whitespace, comments and PIs
  const epilogue = outside ? holder() : undefined;
  for (;;) {
    i = skipSpaces(s, i);
    if (i >= n) {
      if (outside) {
        outside.prolog = prolog!.children;
        outside.epilogue = epilogue!.children;
      }
      return root;
    }
    if (s.charCodeAt(i) !== LT) return undefined;
    const c = s.charCodeAt(i + 1);
    if (c !== BANG && c !== QMARK) return undefined;
    i = miscAt(s, i, epilogue, cr);
    if (i < 0) return undefined;
  }
}
