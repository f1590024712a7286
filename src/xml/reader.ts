/**
 * XML reader. Produces the positioned tree of ./tree.ts: through the fast
 * path of ./fast-reader.ts for the common subset of XML, and through saxes
 * for anything else and for every error (so errors and their places are
 * saxes' alone).
 *
 * Guards (all configurable): maximum input size and element depth. A DOCTYPE
 * is refused outright, so no entity can be declared; saxes itself only knows
 * XML's five predefined entities and character references, so there is no
 * entity expansion to abuse. Every failure is a VirtXmlError with a place.
 */
import { SaxesParser, type SaxesTag } from 'saxes';
import { VirtXmlError, type VirtXmlErrorCode } from './errors.js';
import { loneSurrogate } from './encoding.js';
import { fastReadXml, type Outside } from './fast-reader.js';
import { XmlSource } from './source.js';
import type { XmlAttribute, XmlElement, XmlNode } from './tree.js';

/**
 * Limits on the input a reader accepts, each refused with its own error code
 * and the place where the limit was passed. Reading and validating cost time
 * linear in the input, so these bound the work (and memory) a document sent
 * by someone else can cause; a caller that reads trusted, larger documents
 * raises them.
 */
export interface InputLimits {
  /** Maximum input length in UTF-16 units (`xml-too-large`). Default 64 Mi ({@link DEFAULT_MAX_SIZE}). */
  maxSize?: number;
  /** Maximum element nesting depth (`xml-too-deep`). Default 256 ({@link DEFAULT_MAX_DEPTH}). */
  maxDepth?: number;
  /** Maximum attributes on one element (`xml-too-many-attributes`). Default 100,000 ({@link DEFAULT_MAX_ATTRIBUTES}). */
  maxAttributes?: number;
  /** Maximum elements in the document — devices and everything else (`xml-too-many-elements`). Default 1,000,000 ({@link DEFAULT_MAX_ELEMENTS}). */
  maxElements?: number;
}

export interface ReadOptions extends InputLimits {
  /** File name, carried into error messages. */
  file?: string;
}

export interface XmlDocument {
  root: XmlElement;
  source: XmlSource;
  /** Comments and processing instructions before the root element (a licence header), when there are any. */
  prolog?: XmlNode[];
  /** Comments and processing instructions after the root element, when there are any. */
  epilogue?: XmlNode[];
}

function documentOf(root: XmlElement, source: XmlSource, prolog: XmlNode[], epilogue: XmlNode[]): XmlDocument {
  const doc: XmlDocument = { root, source };
  if (prolog.length) doc.prolog = prolog;
  if (epilogue.length) doc.epilogue = epilogue;
  return doc;
}

export const DEFAULT_MAX_SIZE = 64 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_ATTRIBUTES = 100_000;
export const DEFAULT_MAX_ELEMENTS = 1_000_000;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * saxes keeps each handler in a property that `on()` adds to the parser after
 * construction; with the nine handlers the reader needs, V8 turns the parser
 * into a slow dictionary-mode object and saxes' inner loop runs about 4×
 * slower (measured: 145 → 35 µs per corpus domain). Creating every handler
 * property in the constructor keeps the object's fast shape.
 */
class PositionedParser extends SaxesParser<{ position: true }> {
  constructor() {
    super({ position: true });
    // named stores (a loop of keyed stores would itself make the object slow)
    const self = this as unknown as Record<string, undefined>;
    self.xmldeclHandler = undefined;
    self.textHandler = undefined;
    self.piHandler = undefined;
    self.doctypeHandler = undefined;
    self.commentHandler = undefined;
    self.openTagStartHandler = undefined;
    self.attributeHandler = undefined;
    self.openTagHandler = undefined;
    self.closeTagHandler = undefined;
    self.cdataHandler = undefined;
    self.errorHandler = undefined;
    self.endHandler = undefined;
    self.readyHandler = undefined;
  }
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

class Abort {
  constructor(readonly error: VirtXmlError) {}
}

/**
 * Reads an XML document into the positioned tree. The common case takes a
 * hand-written fast path (./fast-reader.ts) that builds the same tree; any
 * input outside its subset, and every error, goes through saxes.
 */
export function readXml(text: string, options: ReadOptions = {}): XmlDocument {
  if (typeof text === 'string' && text.length <= (options.maxSize ?? DEFAULT_MAX_SIZE)) {
    const outside: Outside = { prolog: [], epilogue: [] };
    const root = fastReadXml(text, options.maxDepth ?? DEFAULT_MAX_DEPTH, options.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES, options.maxElements ?? DEFAULT_MAX_ELEMENTS, outside);
    if (root) return documentOf(root, new XmlSource(text, options.file), outside.prolog, outside.epilogue);
  }
  return readXmlSaxes(text, options);
}

/**
 * The saxes path of {@link readXml}: the reference the fast path is tested
 * against, and the single source of errors and their places.
 * @internal
 */
export function readXmlSaxes(text: string, options: ReadOptions = {}): XmlDocument {
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAttributes = options.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  let elements = 0;
  const source = new XmlSource(text, options.file);
  if (typeof text !== 'string') {
    throw new VirtXmlError('xml-malformed', 'XML input must be a string');
  }
  if (text.length > maxSize) {
    throw new VirtXmlError('xml-too-large', `XML document is ${text.length} characters, more than the limit of ${maxSize}`, {
      line: 1,
      column: 1,
      path: '/',
    });
  }

  // saxes reads a lone surrogate (not a character) as if it were one
  const lone = loneSurrogate(text);
  if (lone) {
    throw new VirtXmlError('xml-malformed', `a lone surrogate 0x${text.charCodeAt(lone.index).toString(16)} is not a character`, {
      line: lone.line,
      column: lone.column,
      path: '/',
    });
  }

  const parser = new PositionedParser();
  const stack: XmlElement[] = [];
  const names: string[] = [];
  // namespace scopes: only pushed when an element declares xmlns attributes
  const scopes: Array<Map<string, string>> = [new Map([['xml', XML_NS]])];
  const scopeDepth: number[] = [];
  let root: XmlElement | undefined;

  const fail = (code: VirtXmlErrorCode, message: string): never => {
    throw new Abort(
      new VirtXmlError(code, message, {
        line: parser.line,
        column: Math.max(1, parser.column), // saxes counts 0 before the first character of a line
        path: '/' + names.join('/'),
      }),
    );
  };

  parser.on('doctype', () => fail('xml-doctype', 'DOCTYPE declarations are not allowed in libvirt XML'));
  parser.on('error', (err) => {
    // saxes prefixes "line:col: "; keep only its text, we add our own place
    fail('xml-malformed', err.message.replace(/^\d+:\d+: /, ''));
  });
  let tagStart = 0;
  parser.on('opentagstart', (tag) => {
    // saxes reports the position just after the character that ended the name
    tagStart = parser.position - tag.name.length - 2;
  });
  // attributes in document order, collected as saxes reads them (iterating
  // saxes' attribute object with for…in was the reader's hottest spot)
  let attributes: XmlAttribute[] = [];
  let declared: Map<string, string> | undefined;
  parser.on('attribute', (a) => {
    const { name, value } = a;
    attributes.push({ name, value });
    if (attributes.length > maxAttributes) fail('xml-too-many-attributes', `an element has more than the limit of ${maxAttributes} attributes`);
    if (name.charCodeAt(0) === 120 /* x */ && (name === 'xmlns' || name.startsWith('xmlns:'))) {
      declared ??= new Map(scopes[scopes.length - 1]);
      declared.set(name === 'xmlns' ? '' : name.slice(6), value);
    }
  });
  parser.on('opentag', (tag: SaxesTag) => {
    if (stack.length >= maxDepth) fail('xml-too-deep', `XML elements nest deeper than the limit of ${maxDepth}`);
    if (++elements > maxElements) fail('xml-too-many-elements', `the document has more than the limit of ${maxElements} elements`);
    if (declared) {
      scopes.push(declared);
      scopeDepth.push(stack.length);
    }
    const el: XmlElement = {
      type: 'element',
      name: tag.name,
      attributes,
      children: [],
      start: tagStart,
    };
    attributes = [];
    declared = undefined;
    const colon = tag.name.indexOf(':');
    const scope = scopes[scopes.length - 1]!;
    const ns = colon < 0 ? scope.get('') : scope.get(tag.name.slice(0, colon));
    if (colon >= 0 && ns === undefined) fail('xml-malformed', `unbound namespace prefix in element '${tag.name}'`);
    if (ns) el.ns = ns;
    const parent = stack[stack.length - 1];
    if (parent) {
      dropIndentation(parent);
      parent.children.push(el);
    } else root = el;
    stack.push(el);
    names.push(tag.name);
  });
  parser.on('closetag', () => {
    const el = stack.pop()!;
    // trailing indentation before the end tag of an element with element children
    const kids = el.children;
    if (kids.length > 1 && kids[kids.length - 2]!.type !== 'text') dropIndentation(el);
    names.pop();
    if (scopeDepth.length && scopeDepth[scopeDepth.length - 1] === stack.length) {
      scopeDepth.pop();
      scopes.pop();
    }
  });
  /**
   * Whitespace-only text between elements is indentation, not content
   * (libvirt re-indents everything): it is not kept in the tree.
   */
  const dropIndentation = (parent: XmlElement) => {
    const last = parent.children[parent.children.length - 1];
    if (last && last.type === 'text' && !last.cdata && isBlank(last.text)) parent.children.pop();
  };
  const addText = (text: string, cdata: boolean) => {
    const parent = stack[stack.length - 1];
    if (!parent) return; // whitespace outside the root; saxes rejects anything else
    const last = parent.children[parent.children.length - 1];
    if (last && last.type === 'text' && !cdata && !last.cdata) last.text += text;
    else parent.children.push(cdata ? { type: 'text', text, cdata: true } : { type: 'text', text });
  };
  parser.on('text', (t) => addText(t, false));
  parser.on('cdata', (t) => addText(t, true));
  const prolog: XmlNode[] = [];
  const epilogue: XmlNode[] = [];
  parser.on('comment', (text) => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      (root ? epilogue : prolog).push({ type: 'comment', text });
      return;
    }
    dropIndentation(parent);
    parent.children.push({ type: 'comment', text } satisfies XmlNode);
  });
  parser.on('processinginstruction', (pi) => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      (root ? epilogue : prolog).push({ type: 'pi', target: pi.target, body: pi.body });
      return;
    }
    dropIndentation(parent);
    parent.children.push({ type: 'pi', target: pi.target, body: pi.body });
  });

  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof Abort) throw e.error;
    if (e instanceof VirtXmlError) throw e;
    throw new VirtXmlError('xml-malformed', e instanceof Error ? e.message : String(e), {
      line: parser.line,
      column: Math.max(1, parser.column),
    });
  }
  if (!root) throw new VirtXmlError('xml-malformed', 'document has no root element', { line: 1, column: 1, path: '/' });
  return documentOf(root, source, prolog, epilogue);
}
