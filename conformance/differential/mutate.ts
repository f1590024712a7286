/**
 * Mutations of corpus documents for the differential test: each mutation
 * changes one thing libvirt's formatter must handle — an element emptied, an
 * element removed, an attribute removed, a comment before the root. The
 * inputs stay in ../shared (never copied into the repo); only the live run
 * uses them.
 */
import { prng } from './generate.js';

interface Span {
  start: number;
  end: number;
  selfClosed: boolean;
  /** End of the start tag. */
  headEnd: number;
}

/** Elements of a document as spans (a plain scanner: corpus files are simple XML). */
function spans(xml: string): Span[] {
  const out: Span[] = [];
  const stack: Array<{ start: number; headEnd: number }> = [];
  const re = /<(\/?)([A-Za-z_][\w:.-]*)([^>]*?)(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    if (m[2] === undefined) continue;
    if (m[1]) {
      const open = stack.pop();
      if (open) out.push({ start: open.start, end: m.index + m[0].length, selfClosed: false, headEnd: open.headEnd });
    } else if (m[4]) out.push({ start: m.index, end: m.index + m[0].length, selfClosed: true, headEnd: m.index + m[0].length });
    else stack.push({ start: m.index, headEnd: m.index + m[0].length });
  }
  return out;
}

/** The name of the element around `sp` ('' at the root). */
function parentName(xml: string, all: Span[], sp: Span): string {
  const parent = all.filter((p) => p.start < sp.start && p.end >= sp.end).sort((a, b) => b.start - a.start)[0];
  return parent ? /^<([^\s/>]+)/.exec(xml.slice(parent.start))![1]! : '';
}

export function corpusMutations(files: Array<{ name: string; text: string }>, seed: number, count: number): Array<{ name: string; xml: string }> {
  const rnd = prng(seed);
  const out: Array<{ name: string; xml: string }> = [];
  for (let n = 0; n < count && files.length; n++) {
    const f = files[Math.floor(rnd() * files.length)]!;
    const s = spans(f.text).filter((x) => x.start > 0);
    if (!s.length) continue;
    const sp = s[Math.floor(rnd() * s.length)]!;
    const op = n % 4;
    let xml: string;
    let what: string;
    if (op === 0 && !sp.selfClosed) {
      // empty the element: keep its start tag's attributes
      const head = f.text.slice(sp.start, sp.headEnd - 1);
      const name = /^<([^\s/>]+)/.exec(head)![1];
      xml = f.text.slice(0, sp.start) + head + `></${name}>` + f.text.slice(sp.end);
      what = 'emptied';
    } else if (op === 1) {
      xml = f.text.slice(0, sp.start) + f.text.slice(sp.end);
      what = 'removed';
    } else if (op === 2) {
      const head = f.text.slice(sp.start, sp.headEnd);
      const attrs = [...head.matchAll(/\s([\w:.-]+)=('[^']*'|"[^"]*")/g)];
      if (!attrs.length) continue;
      const a = attrs[Math.floor(rnd() * attrs.length)]!;
      xml = f.text.slice(0, sp.start) + head.replace(a[0], '') + f.text.slice(sp.headEnd);
      what = `no @${a[1]}`;
    } else {
      xml = `<!-- vx licence header -->\n<?vx-pi keep?>\n${f.text}<!-- vx trailer -->\n`;
      what = 'prolog';
    }
    out.push({ name: `mut/${f.name}#${n}:${what}`, xml });
  }
  return out;
}

/**
 * Each element of each document that has content, emptied (its attributes
 * kept), at most `perName` documents per element name in context
 * (`parent>name`): libvirt's answer shows whether its formatter self-closes
 * that element when empty or writes an open/close pair.
 */
export function emptiedVariants(docs: Array<{ name: string; xml: string }>, perName: number): Array<{ name: string; xml: string }> {
  const out: Array<{ name: string; xml: string }> = [];
  const seen = new Map<string, number>();
  for (const d of docs) {
    const all = spans(d.xml);
    for (const sp of all) {
      if (sp.selfClosed || sp.start === 0) continue;
      const head = d.xml.slice(sp.start, sp.headEnd - 1);
      const name = /^<([^\s/>]+)/.exec(head)![1]!;
      if (d.xml.slice(sp.headEnd, sp.end).startsWith('</')) continue; // already empty
      const key = `${parentName(d.xml, all, sp)}>${name}`;
      const n = seen.get(key) ?? 0;
      if (n >= perName) continue;
      seen.set(key, n + 1);
      out.push({ name: `empty/${d.name}:${key}`, xml: d.xml.slice(0, sp.start) + head + `></${name}>` + d.xml.slice(sp.end) });
    }
  }
  return out;
}

/**
 * Each attribute of each document, removed, at most `perName` documents per
 * attribute in context (`parent>name@attribute`): libvirt's answer shows
 * which attributes its parser really requires (and what it fills in), so
 * that virtxml requires exactly those.
 */
export function withoutAttributeVariants(docs: Array<{ name: string; xml: string }>, perName: number): Array<{ name: string; xml: string }> {
  const out: Array<{ name: string; xml: string }> = [];
  const seen = new Map<string, number>();
  for (const d of docs) {
    const all = spans(d.xml);
    for (const sp of all) {
      const head = d.xml.slice(sp.start, sp.headEnd);
      const name = /^<([^\s/>]+)/.exec(head)![1]!;
      const pname = parentName(d.xml, all, sp);
      for (const a of head.matchAll(/\s([\w:.-]+)=('[^']*'|"[^"]*")/g)) {
        if (a[1]!.startsWith('xmlns')) continue;
        const key = `${pname}>${name}@${a[1]}`;
        const n = seen.get(key) ?? 0;
        if (n >= perName) continue;
        seen.set(key, n + 1);
        out.push({ name: `noattr/${d.name}:${key}`, xml: d.xml.slice(0, sp.start) + head.replace(a[0], '') + d.xml.slice(sp.headEnd) });
      }
    }
  }
  return out;
}
