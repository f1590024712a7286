// Element and attribute names of a RelaxNG schema and of our declarations,
// keyed by context (`parent>element`, `parent>element@attribute`), for
// coverage reports. Plain JS so that the conformance runner can use it on the
// built package: pass `readXml` (virtxml's own reader) and the declarations.
//
// The schema walk follows refs, includes (with overriding defines), `combine`
// and `div`, and remembers the file each name is defined in (so that the
// names of an included schema, e.g. networkcommon.rng, can be reported on
// their own). Namespaced names are compared by local name.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const kids = (el) => el.children.filter((c) => c.type === 'element');
const attrOf = (el, name) => el.attributes.find((a) => a.name === name)?.value;
const local = (name) => name.slice(name.indexOf(':') + 1);

function loadGrammar(readXml, file, defines, starts, overridden = new Set()) {
  const root = readXml(readFileSync(file, 'utf8'), { file }).root;
  const put = (d, replace) => {
    const name = attrOf(d, 'name');
    const entry = { el: d, file };
    const list = defines.get(name);
    if (list && attrOf(d, 'combine') && !replace) list.push(entry);
    else defines.set(name, [entry]);
  };
  for (const c of kids(root)) {
    if (c.name === 'start') starts.push({ el: c, file });
    else if (c.name === 'define') {
      if (!overridden.has(attrOf(c, 'name'))) put(c, false);
    } else if (c.name === 'include') {
      const own = new Set(kids(c).filter((d) => d.name === 'define').map((d) => attrOf(d, 'name')));
      loadGrammar(readXml, join(dirname(file), attrOf(c, 'href')), defines, [], new Set([...overridden, ...own]));
      for (const d of kids(c)) if (d.name === 'define') put(d, true);
    } else if (c.name === 'div') {
      for (const d of kids(c)) if (d.name === 'define') put(d, true);
    }
  }
}

function nameOf(el) {
  const n = attrOf(el, 'name');
  if (n) return local(n);
  const nameEl = kids(el).find((k) => k.name === 'name');
  if (nameEl) return local(nameEl.children.map((t) => (t.type === 'text' ? t.text : '')).join('').trim());
  return undefined; // anyName / nsName: open content
}

/**
 * Names reachable from the schema's `<start>`: `{ elements, attributes }`,
 * each a Map from key to the schema file that defines it.
 */
export function rngNames(readXml, file) {
  const defines = new Map();
  const starts = [];
  loadGrammar(readXml, file, defines, starts);
  const out = { elements: new Map(), attributes: new Map() };
  const seen = new Set();
  const walk = (el, parent, current, from) => {
    switch (el.name) {
      case 'element': {
        const n = nameOf(el);
        if (!n) return;
        out.elements.set(`${current}>${n}`, from);
        for (const k of kids(el)) walk(k, current, n, from);
        return;
      }
      case 'attribute': {
        const n = nameOf(el);
        if (n) out.attributes.set(`${parent}>${current}@${n}`, from);
        return;
      }
      case 'ref': {
        const name = attrOf(el, 'name');
        const key = `${name}|${parent}>${current}`;
        if (seen.has(key)) return;
        seen.add(key);
        for (const d of defines.get(name) ?? []) for (const k of kids(d.el)) walk(k, parent, current, d.file);
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
        for (const k of kids(el)) walk(k, parent, current, from);
    }
  };
  for (const s of starts) for (const k of kids(s.el)) walk(k, '', '', s.file);
  return out;
}

/**
 * Names our declarations cover, keyed like {@link rngNames}: a walk of the
 * declaration tree from `root` (unions: every case; lazy: resolved). Content
 * under a raw (kept-as-XML) element is `parent>element>*`.
 */
export function declNames(root, rootParent = '') {
  const out = { elements: new Set(), attributes: new Set() };
  // visited per declaration object and parent: union cases often share field names
  const seen = new Map();
  const resolve = (d) => (d.kind === 'lazy' ? d.get() : d);
  const walk = (decl, parent) => {
    const r = resolve(decl);
    for (const d of r.kind === 'union' ? Object.values(r.cases) : [r]) {
      const name = local(d.name);
      const key = `${parent}>${name}`;
      out.elements.add(key);
      let parents = seen.get(d);
      if (!parents) seen.set(d, (parents = new Set()));
      if (parents.has(parent)) continue;
      parents.add(parent);
      for (const [k, f] of Object.entries(d.fields)) {
        if (f.kind === 'attr') out.attributes.add(`${key}@${f.xml ?? k}`);
        else if (f.kind === 'child' || f.kind === 'list') walk(f.decl, name);
        else if (f.kind === 'value' || f.kind === 'flag') out.elements.add(`${name}>${local(f.xml)}`);
        else if (f.kind === 'raw') {
          out.elements.add(`${name}>${local(f.xml)}`);
          out.elements.add(`${name}>${local(f.xml)}>*`);
        }
      }
    }
  };
  walk(root, rootParent);
  return out;
}

/** Schema names (optionally only those defined in `onlyFile`) that the declarations do not cover. */
export function undeclared(schema, decls, onlyFile) {
  const raw = [...decls.elements].filter((e) => e.endsWith('>*')).map((e) => e.slice(0, -2).split('>').pop());
  const underRaw = (key) => raw.some((p) => key.startsWith(p + '>'));
  const pick = (m) => [...m].filter(([, f]) => !onlyFile || f === onlyFile).map(([k]) => k);
  const elements = pick(schema.elements);
  const attributes = pick(schema.attributes);
  return {
    elements: elements.length,
    attributes: attributes.length,
    missingElements: elements.filter((e) => !decls.elements.has(e) && !underRaw(e)).sort(),
    missingAttributes: attributes.filter((a) => !decls.attributes.has(a) && !underRaw(a.split('@')[0].split('>').pop() + '>')).sort(),
  };
}
