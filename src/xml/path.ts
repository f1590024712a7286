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

export function elementPath(p: PathRef): string {
  if (p.text !== undefined) return p.text;
  let text: string;
  if (!p.parent) text = (p.base ?? '') + '/' + p.el.name;
  else {
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
  }
  return (p.text = text);
}

