/**
 * A small RelaxNG reader for coverage reports: every element and attribute
 * a libvirt schema can produce, keyed by context (`parent>element` and
 * `parent>element@attribute`), following refs, includes (with overriding
 * defines) and `combine`. Read with virtxml's own XML reader.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readXml } from '../src/xml/reader.js';
import { getAttribute, type XmlElement } from '../src/xml/tree.js';

export interface RngNames {
  /** `parent>element` for every element (root's parent is ''). */
  elements: Set<string>;
  /** `parent>element@attribute`. */
  attributes: Set<string>;
}

type Defines = Map<string, XmlElement[]>;

function kids(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.type === 'element');
}

function loadGrammar(file: string, defines: Defines, starts: XmlElement[], overridden: Set<string> = new Set()): void {
  const root = readXml(readFileSync(file, 'utf8'), { file }).root;
  for (const c of kids(root)) {
    if (c.name === 'start') starts.push(c);
    else if (c.name === 'define') {
      const name = getAttribute(c, 'name')!;
      if (overridden.has(name)) continue;
      const combine = getAttribute(c, 'combine');
      const list = defines.get(name);
      if (list && combine) list.push(c);
      else defines.set(name, [c]);
    } else if (c.name === 'include') {
      // defines inside <include> override the included ones
      const own = new Set<string>();
      for (const d of kids(c)) if (d.name === 'define') own.add(getAttribute(d, 'name')!);
      loadGrammar(join(dirname(file), getAttribute(c, 'href')!), defines, [], new Set([...overridden, ...own]));
      for (const d of kids(c)) if (d.name === 'define') defines.set(getAttribute(d, 'name')!, [d]);
    } else if (c.name === 'div') {
      // flatten
      for (const d of kids(c)) if (d.name === 'define') defines.set(getAttribute(d, 'name')!, [d]);
    }
  }
}

function nameOf(el: XmlElement): string | undefined {
  const n = getAttribute(el, 'name');
  if (n) return n;
  const nameEl = kids(el).find((k) => k.name === 'name');
  if (nameEl) return nameEl.children.map((t) => (t.type === 'text' ? t.text : '')).join('').trim();
  return undefined; // anyName / nsName: open content
}

/** Element and attribute names reachable from the schema's `<start>` (or from `startDefine`). */
export function rngNames(file: string, startDefine?: string): RngNames {
  const defines: Defines = new Map();
  const starts: XmlElement[] = [];
  loadGrammar(file, defines, starts);
  const out: RngNames = { elements: new Set(), attributes: new Set() };
  const seen = new Set<string>();

  const walk = (el: XmlElement, parent: string, current: string): void => {
    switch (el.name) {
      case 'element': {
        const n = nameOf(el);
        if (!n) return;
        out.elements.add(`${current}>${n}`);
        for (const k of kids(el)) walk(k, current, n);
        return;
      }
      case 'attribute': {
        const n = nameOf(el);
        if (n) out.attributes.add(`${parent}>${current}@${n}`);
        return;
      }
      case 'ref': {
        const name = getAttribute(el, 'name')!;
        const key = `${name}|${parent}>${current}`;
        if (seen.has(key)) return;
        seen.add(key);
        for (const d of defines.get(name) ?? []) for (const k of kids(d)) walk(k, parent, current);
        return;
      }
      case 'data':
      case 'value':
      case 'text':
      case 'empty':
      case 'param':
      case 'except':
      case 'name':
      case 'anyName':
      case 'nsName':
        return;
      default:
        for (const k of kids(el)) walk(k, parent, current);
    }
  };
  if (startDefine) for (const d of defines.get(startDefine) ?? []) for (const k of kids(d)) walk(k, '', '');
  else for (const s of starts) for (const k of kids(s)) walk(k, '', '');
  return out;
}
