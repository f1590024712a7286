/**
 * libvirt's parse-time rules that need the whole network (most of its
 * messages name the network) are checked by the `<network>` element's
 * `check` hook; these helpers make the failure a hook returns, placed at the
 * element or attribute it is about (the codec places a failure `at` a def
 * object it read).
 */
import { originOf } from '../xml/codec.js';
import type { CheckFailure } from '../xml/decl.js';
import type { XmlElement } from '../xml/tree.js';

/** A check failure at a parsed def object (or its attribute). */
export function failAt(at: object, code: CheckFailure['code'], message: string, attribute?: string): CheckFailure {
  return attribute !== undefined ? { code, message, at, attribute } : { code, message, at };
}

/**
 * The second and later `<name>` children of a parsed object's element: the
 * codec keeps a repeated single child as unknown content, so "only one
 * allowed" rules look for it there.
 */
export function repeatedChild(parent: object, name: string): { at: (code: CheckFailure['code'], message: string) => CheckFailure } | undefined {
  const o = originOf(parent);
  if (!o) return undefined;
  const same = o.el.children.filter((c): c is XmlElement => c.type === 'element' && c.name === name);
  const second = same[1];
  if (!second) return undefined;
  return {
    at: (code, message) => {
      const place = o.source.elementPlace(second);
      return { code, message, place: { line: place.line, column: place.column, path: `${o.path}/${name}[2]` } };
    },
  };
}
