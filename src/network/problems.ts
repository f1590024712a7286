/**
 * libvirt's parse-time rules that need the whole network (most of its
 * messages name the network) are checked by the `<network>` element's
 * `check` hook; these helpers report a failure at the element or attribute
 * it is about, using the place the codec recorded for each parsed object.
 */
import { originOf } from '../xml/codec.js';
import { VirtXmlError, type VirtXmlErrorCode } from '../xml/errors.js';
import type { XmlElement } from '../xml/tree.js';

/** An error placed at a parsed def object (or its attribute); unplaced for defs built in code. */
export function failAt(at: object, code: VirtXmlErrorCode, message: string, attribute?: string): VirtXmlError {
  const o = originOf(at);
  if (!o) return new VirtXmlError(code, message);
  const place = attribute !== undefined ? o.source.attributePlace(o.el, attribute) : o.source.elementPlace(o.el);
  const path = attribute !== undefined ? `${o.path}/@${attribute}` : o.path;
  return new VirtXmlError(code, message, { line: place.line, column: place.column, path });
}

/**
 * The second and later `<name>` children of a parsed object's element: the
 * codec keeps a repeated single child as unknown content, so "only one
 * allowed" rules look for it there.
 */
export function repeatedChild(parent: object, name: string): { at: (code: VirtXmlErrorCode, message: string) => VirtXmlError } | undefined {
  const o = originOf(parent);
  if (!o) return undefined;
  const same = o.el.children.filter((c): c is XmlElement => c.type === 'element' && c.name === name);
  const second = same[1];
  if (!second) return undefined;
  return {
    at: (code, message) => {
      const place = o.source.elementPlace(second);
      return new VirtXmlError(code, message, { line: place.line, column: place.column, path: `${o.path}/${name}[2]` });
    },
  };
}
