/**
 * Why a formatted document is not byte-identical to a corpus file: the
 * cosmetic differences (indentation, quoting, attribute order, element order)
 * that leave the XML the same when those are ignored, or undefined when the
 * content itself differs.
 */
import { readXml } from '../src/xml/reader.js';
import type { XmlElement, XmlNode } from '../src/xml/tree.js';

function norm(el: XmlElement, sortAttrs: boolean, sortChildren: boolean): string {
  const attrs = el.attributes.map((a) => `${a.name}=${JSON.stringify(a.value)}`);
  if (sortAttrs) attrs.sort();
  const kids = el.children.map((c: XmlNode) => {
    switch (c.type) {
      case 'element':
        return norm(c, sortAttrs, sortChildren);
      case 'text':
        return c.text.trim() ? JSON.stringify(c.text.trim()) : '';
      case 'comment':
        return `<!--${c.text}-->`;
      case 'pi':
        return `<?${c.target} ${c.body}?>`;
    }
  });
  const body = kids.filter((k) => k !== '');
  if (sortChildren) body.sort();
  return `<${el.name} ${attrs.join(' ')}>${body.join('')}</${el.name}>`;
}

export function cosmeticDifferences(expected: string, actual: string): string[] | undefined {
  const a = readXml(expected).root;
  const b = readXml(actual).root;
  if (norm(a, true, true) !== norm(b, true, true)) return undefined;
  const reasons: string[] = [];
  const lead = (s: string) =>
    s
      .split('\n')
      .map((l) => /^ */.exec(l)![0].length)
      .join(',');
  if (lead(expected) !== lead(actual)) reasons.push('indentation is not libvirt’s two spaces per level');
  if (/=\s*"/.test(expected)) reasons.push('attributes quoted with " (libvirt writes \')');
  if (norm(a, false, false) !== norm(b, false, false)) {
    if (norm(a, true, false) === norm(b, true, false)) reasons.push('attributes not in libvirt’s order');
    else if (norm(a, false, true) === norm(b, false, true)) reasons.push('child elements not in libvirt’s order');
    else reasons.push('attributes and child elements not in libvirt’s order');
  }
  return reasons;
}

/**
 * JSON of a def with object keys sorted (the order fields were read in is not
 * part of the def) and without the source offsets of kept XML nodes (they
 * differ between two parses).
 */
export function defJson(def: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const isNode = o.type === 'element' && Array.isArray(o.children);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (!(isNode && k === 'start')) out[k] = canon(o[k]);
    return out;
  };
  return JSON.stringify(canon(def));
}
