/** Element paths (`/domain/devices/hostdev[2]`): for errors, diagnostics and `originOf`. */
import type { XmlElement } from './tree.js';

/**
 * An element path, built only when it is needed (errors, originOf): making
 * `/domain/devices/hostdev[2]` for every element would cost a scan of the
 * siblings each time, quadratic in the number of devices.
 */
export interface PathRef {
  parent: PathRef | undefined;
  el: XmlElement;
  /** Set on the root: the path prefix. */
  base?: string;
  text?: string;
}

/**
 * Each child element's `[n]` suffix ('' when it is the only one of its
 * name), computed for all the children of a parent at once and kept: asking
 * for the paths of all 100,000 devices scans <devices> once, not once each.
 */
const suffixes = new WeakMap<XmlElement, Map<XmlElement, string>>();

function suffixOf(parent: XmlElement, el: XmlElement): string {
  let m = suffixes.get(parent);
  if (!m) {
    const count = new Map<string, number>();
    for (const c of parent.children) if (c.type === 'element') count.set(c.name, (count.get(c.name) ?? 0) + 1);
    const seen = new Map<string, number>();
    m = new Map();
    for (const c of parent.children) {
      if (c.type !== 'element') continue;
      const k = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, k);
      m.set(c, count.get(c.name)! > 1 ? `[${k}]` : '');
    }
    suffixes.set(parent, m);
  }
  return m.get(el) ?? '';
}

export function elementPath(p: PathRef): string {
  if (p.text !== undefined) return p.text;
  let text: string;
  if (!p.parent) text = (p.base ?? '') + '/' + p.el.name;
  else if (p.parent.el.children.length <= 16) {
    // few siblings: a scan costs less than a table
    const siblings = p.parent.el.children;
    let n = 0;
    let index = 0;
    for (const c of siblings) {
      if (c.type === 'element' && c.name === p.el.name) {
        n++;
        if (c === p.el) index = n;
      }
    }
    text = elementPath(p.parent) + '/' + p.el.name + (n > 1 ? `[${index}]` : '');
  } else text = elementPath(p.parent) + '/' + p.el.name + suffixOf(p.parent.el, p.el);
  return (p.text = text);
}
