#!/usr/bin/env node
// Compiles libvirt's RelaxNG schemas into the simplified pattern graph that
// src/validate/rng/validator.ts runs (RELAX NG spec §4 simplification:
// includes, combine, inherited ns / datatypeLibrary, optional/zeroOrMore/mixed
// rewritten, refs resolved to shared nodes). Output is committed:
//   node scripts/gen-rng.mjs   (npm run gen:rng)
// compiles every kind of SCHEMA_KINDS for every release of
// scripts/libvirt-releases.json into one shared node table,
// src/validate/rng/grammars.generated.ts (shareNodes), and writes the since
// table and the release index. A test checks they are in sync.
//
// virtxml's extension (group='auto' on <driver> of hostdevs, hostdev
// interfaces and hostdev networks) is added to `hostdevDriver` as an
// extension node: the validator treats it as notAllowed in the `rng` and
// `libvirt` profiles, so those keep each release's exact verdict.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { SaxesParser } = require('saxes');

const here = dirname(fileURLToPath(import.meta.url));
const RNG_NS = 'http://relaxng.org/ns/structure/1.0';

/** Device kinds → the domaincommon.rng define of the device element. */
export const DEVICE_DEFINES = {
  disk: 'disk', controller: 'controller', lease: 'lease', filesystem: 'filesystem', interface: 'interface',
  input: 'input', sound: 'sound', audio: 'audio', hostdev: 'hostdev', graphics: 'graphic', video: 'video',
  console: 'console', serial: 'serial', parallel: 'parallel', channel: 'channel', watchdog: 'watchdog',
  memballoon: 'memballoon', rng: 'rng', tpm: 'tpm', panic: 'panic', shmem: 'shmem', memory: 'memorydev',
  iommu: 'iommu', vsock: 'vsock', crypto: 'crypto', pstore: 'pstore', redirdev: 'redirdev',
  redirfilter: 'redirfilter', smartcard: 'smartcard', hub: 'hub', nvram: 'nvram',
};

/** Reads an XML file into { name, ns, attrs, children, text, nsScope }. */
function readTree(file) {
  const text = readFileSync(file, 'utf8');
  const p = new SaxesParser({ xmlns: true });
  const stack = [];
  let root;
  p.on('opentag', (t) => {
    const parent = stack[stack.length - 1];
    const scope = { ...(parent ? parent.nsScope : { xml: 'http://www.w3.org/XML/1998/namespace' }) };
    for (const [k, v] of Object.entries(t.ns ?? {})) scope[k] = v;
    const attrs = {};
    for (const a of Object.values(t.attributes)) if (!a.prefix && a.local !== 'xmlns') attrs[a.local] = a.value;
    const el = { name: t.local, ns: t.uri, attrs, children: [], text: '', nsScope: scope };
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  p.on('text', (s) => {
    const top = stack[stack.length - 1];
    if (top) top.text += s;
  });
  p.on('closetag', () => stack.pop());
  p.write(text).close();
  return root;
}

/** Keeps RNG elements only (annotations in other namespaces are dropped). */
function rngChildren(el) {
  return el.children.filter((c) => c.ns === RNG_NS);
}

class Compiler {
  constructor() {
    this.nodes = [];
    this.keys = new Map(); // structural sharing of leaf/compound nodes
  }

  add(node) {
    const key = JSON.stringify(node);
    const known = this.keys.get(key);
    if (known !== undefined) return known;
    const id = this.nodes.length;
    this.nodes.push(node);
    this.keys.set(key, id);
    return id;
  }

  placeholder() {
    const id = this.nodes.length;
    this.nodes.push(null);
    return id;
  }

  /**
   * Loads a grammar file: its <start> and <define> components, merging
   * <include>d grammars (components inside an <include> override the
   * included ones), with the inherited attributes of each component.
   */
  loadGrammar(file, inherited, into) {
    const root = readTree(file);
    if (root.name !== 'grammar' || root.ns !== RNG_NS) throw new Error(`${file}: not a RelaxNG grammar`);
    const ctx = this.context(root, { ...inherited, file });
    this.collect(rngChildren(root), ctx, file, into);
    return into;
  }

  context(el, inherited) {
    return {
      ns: el.attrs.ns ?? inherited.ns,
      lib: el.attrs.datatypeLibrary ?? inherited.lib,
      nsScope: el.nsScope,
      file: inherited.file,
    };
  }

  collect(components, ctx, file, into, overriding = undefined) {
    for (const c of components) {
      if (c.name === 'div') {
        this.collect(rngChildren(c), this.context(c, ctx), file, into, overriding);
      } else if (c.name === 'include') {
        const inc = resolve(dirname(file), c.attrs.href);
        const ictx = this.context(c, ctx);
        const overrides = { starts: [], defines: new Map() };
        this.collect(rngChildren(c), ictx, file, overrides);
        const sub = { starts: [], defines: new Map() };
        this.loadGrammar(inc, { ns: ictx.ns, lib: ictx.lib }, sub);
        if (overrides.starts.length) sub.starts = overrides.starts;
        for (const [name, list] of overrides.defines) sub.defines.set(name, list);
        into.starts.push(...sub.starts);
        for (const [name, list] of sub.defines) {
          const have = into.defines.get(name) ?? [];
          into.defines.set(name, have.concat(list));
        }
      } else if (c.name === 'start') {
        into.starts.push({ el: c, ctx: this.context(c, ctx), combine: c.attrs.combine });
      } else if (c.name === 'define') {
        const list = into.defines.get(c.attrs.name) ?? [];
        list.push({ el: c, ctx: this.context(c, ctx), combine: c.attrs.combine });
        into.defines.set(c.attrs.name, list);
      } else {
        throw new Error(`${file}: unsupported grammar component <${c.name}>`);
      }
    }
  }

  compileGrammar(file) {
    return this.compileLoaded(this.loadGrammar(file, { ns: '', lib: '' }, { starts: [], defines: new Map() }));
  }

  /** Compiles a loaded grammar's defines (its own scope of names) and start. */
  compileLoaded(g) {
    this.grammar = g;
    this.defineIds = new Map();
    for (const name of g.defines.keys()) this.defineIds.set(name, this.placeholder());
    for (const [name, list] of g.defines) {
      const id = this.defineIds.get(name);
      this.nodes[id] = this.combineParts(name, list);
    }
    const start = this.combineParts('start', g.starts);
    return { start: this.add(start), defines: this.defineIds };
  }

  /**
   * A nested `<grammar>` used as a pattern (domainsnapshot.rng's embedded
   * `<domain>` and `<inactiveDomain>`): its defines are a scope of their own
   * (RELAX NG §4.18), its start is the pattern.
   */
  nestedGrammar(el, ctx) {
    const outer = [this.grammar, this.defineIds];
    const g = { starts: [], defines: new Map() };
    this.collect(rngChildren(el), ctx, ctx.file, g);
    const { start } = this.compileLoaded(g);
    [this.grammar, this.defineIds] = outer;
    return start;
  }

  combineParts(name, list) {
    if (!list.length) throw new Error(`no definition of ${name}`);
    const combines = new Set(list.map((d) => d.combine).filter(Boolean));
    if (combines.size > 1) throw new Error(`${name}: mixed combine methods`);
    if (list.length > 1 && list.filter((d) => !d.combine).length > 1) throw new Error(`${name}: defined twice without combine`);
    const parts = list.map((d) => this.group(rngChildren(d.el), d.ctx, name));
    // a define whose body is one node is shared through a one-element group
    if (parts.length === 1) return ['group', [parts[0]]];
    const kind = [...combines][0];
    return [kind === 'interleave' ? 'interleave' : 'choice', parts];
  }

  group(children, ctx, where) {
    const ids = children.map((c) => this.pattern(c, ctx, where));
    if (ids.length === 0) throw new Error(`${where}: empty pattern list`);
    return ids.length === 1 ? ids[0] : this.add(['group', ids]);
  }

  nameOf(qname, ctx, isAttribute) {
    const colon = qname.indexOf(':');
    if (colon >= 0) {
      const prefix = qname.slice(0, colon);
      const ns = ctx.nsScope[prefix];
      if (ns === undefined) throw new Error(`unbound prefix in name ${qname}`);
      return { k: 'name', ns, local: qname.slice(colon + 1) };
    }
    return { k: 'name', ns: isAttribute ? (ctx.ownNs ?? '') : ctx.ns, local: qname };
  }

  nameClass(el, ctx) {
    const c = this.context(el, ctx);
    switch (el.name) {
      case 'name':
        return this.nameOf(el.text.trim(), c, false);
      case 'anyName':
      case 'nsName': {
        const ex = rngChildren(el).find((x) => x.name === 'except');
        const nc = el.name === 'anyName' ? { k: 'any' } : { k: 'ns', ns: c.ns };
        if (ex) nc.except = this.nameClassChoice(rngChildren(ex), this.context(ex, c));
        return nc;
      }
      case 'choice':
        return this.nameClassChoice(rngChildren(el), c);
      default:
        throw new Error(`unsupported name class <${el.name}>`);
    }
  }

  nameClassChoice(list, ctx) {
    const ncs = list.map((x) => this.nameClass(x, ctx));
    return ncs.reduce((a, b) => ({ k: 'choice', a, b }));
  }

  pattern(el, inherited, where) {
    const ctx = this.context(el, inherited);
    const kids = rngChildren(el);
    switch (el.name) {
      case 'element':
      case 'attribute': {
        const isAttr = el.name === 'attribute';
        let nc;
        let body = kids;
        if (el.attrs.name !== undefined) {
          nc = this.nameOf(el.attrs.name.trim(), { ...ctx, ownNs: el.attrs.ns }, isAttr);
        } else {
          nc = this.nameClass(kids[0], ctx);
          body = kids.slice(1);
        }
        let content;
        if (body.length) content = this.group(body, ctx, where);
        else if (isAttr) content = this.add(['text']);
        else throw new Error(`${where}: element without content`);
        return this.add([el.name, nc, content]);
      }
      case 'group':
      case 'interleave':
      case 'choice': {
        const ids = kids.map((c) => this.pattern(c, ctx, where));
        return ids.length === 1 ? ids[0] : this.add([el.name, ids]);
      }
      case 'optional':
        return this.add(['choice', [this.group(kids, ctx, where), this.add(['empty'])]]);
      case 'zeroOrMore':
        return this.add(['choice', [this.add(['oneOrMore', this.group(kids, ctx, where)]), this.add(['empty'])]]);
      case 'oneOrMore':
        return this.add(['oneOrMore', this.group(kids, ctx, where)]);
      case 'mixed':
        return this.add(['interleave', [this.group(kids, ctx, where), this.add(['text'])]]);
      case 'list':
        return this.add(['list', this.group(kids, ctx, where)]);
      case 'ref': {
        const id = this.defineIds.get(el.attrs.name);
        if (id === undefined) throw new Error(`${where}: reference to undefined ${el.attrs.name}`);
        return id;
      }
      case 'empty':
      case 'text':
      case 'notAllowed':
        return this.add([el.name]);
      case 'grammar':
        return this.nestedGrammar(el, ctx);
      case 'data': {
        const params = kids.filter((k) => k.name === 'param').map((k) => [k.attrs.name, k.text]);
        const ex = kids.find((k) => k.name === 'except');
        const node = ['data', ctx.lib, el.attrs.type, params];
        if (ex) node.push(this.add(['choice', rngChildren(ex).map((c) => this.pattern(c, this.context(ex, ctx), where))]));
        return this.add(node);
      }
      case 'value': {
        const typed = el.attrs.type !== undefined;
        return this.add(['value', typed ? ctx.lib : '', typed ? el.attrs.type : 'token', el.text]);
      }
      default:
        throw new Error(`${where}: unsupported pattern <${el.name}>`);
    }
  }
}

/**
 * The extension: `group` on hostdevDriver's <driver>, typed as virtxml's
 * groupMgmt ('auto'). Added as ['ext', pattern] inside an optional, after the
 * model attribute.
 */
function addExtension(c) {
  const id = c.defineIds.get('hostdevDriver');
  if (id === undefined) return;
  const body = c.nodes[id]; // ['group', [elementId]]
  const elId = body[1][0];
  const el = c.nodes[elId];
  if (el[0] !== 'element') throw new Error('hostdevDriver: expected an element');
  const value = c.add(['value', '', 'token', 'auto']);
  const attr = c.add(['attribute', { k: 'name', ns: '', local: 'group' }, value]);
  const ext = c.add(['ext', 'group', attr]);
  const opt = c.add(['choice', [ext, c.add(['empty'])]]);
  const content = c.add(['group', [el[2], opt]]);
  // replace in place: every reference to the element sees the extension
  c.nodes[elId] = ['element', el[1], content];
}

/** libvirt releases virtxml validates against, oldest first; the last is the default target (scripts/update-libvirt.mjs adds one). */
export const RELEASES = JSON.parse(readFileSync(join(here, 'libvirt-releases.json'), 'utf8'));

/**
 * Where a release's schemas are: 10.7's beside libvirt's test corpus, the
 * others where `npm run update-libvirt` (scripts/update-libvirt.mjs) put them.
 */
export function schemaDir(release) {
  const root = join(here, '..');
  if (release === '10.7' && !process.env.VIRTXML_SCHEMAS) return join(root, '..', 'shared', 'libvirt-corpus', 'schemas');
  return join(process.env.VIRTXML_SCHEMAS ?? join(root, '.libvirt-schemas'), release);
}

/**
 * Every document kind with a libvirt schema: the grammar's name (the key of
 * each release's compiled grammars, and of the since table), its schema file,
 * and whether virtxml's extension (group='auto') applies. A kind a release's
 * schemas lack is left out of that release.
 */
export const SCHEMA_KINDS = [
  ['domain', 'domain.rng', true],
  ['network', 'network.rng', true],
  ['networkport', 'networkport.rng', true],
  ['nodedev', 'nodedev.rng', false],
  ['capabilities', 'capability.rng', false],
  ['domaincaps', 'domaincaps.rng', false],
  ['storagepool', 'storagepool.rng', false],
  ['storagevol', 'storagevol.rng', false],
  ['storagepoolcaps', 'storagepoolcaps.rng', false],
  ['secret', 'secret.rng', false],
  ['nwfilter', 'nwfilter.rng', false],
  ['nwfilterbinding', 'nwfilterbinding.rng', false],
  ['interface', 'interface.rng', false],
  ['domainsnapshot', 'domainsnapshot.rng', false],
  ['domaincheckpoint', 'domaincheckpoint.rng', false],
  ['domainbackup', 'domainbackup.rng', false],
];

export function compileSchemas(dir) {
  const out = {};
  for (const [kind, file, extended] of SCHEMA_KINDS) {
    if (!existsSync(join(dir, file))) continue;
    const c = new Compiler();
    const { start, defines } = c.compileGrammar(join(dir, file));
    if (extended) addExtension(c);
    const entries = { [kind]: start };
    if (kind === 'domain') {
      // a device kind the release does not know (9.0 has no <crypto>) has no entry
      for (const [dev, def] of Object.entries(DEVICE_DEFINES)) {
        const id = defines.get(def);
        if (id !== undefined) entries[dev] = id;
      }
    }
    out[kind] = { nodes: c.nodes, entries };
  }
  return out;
}

/**
 * Names of a compiled grammar in context, the way the coverage report keys
 * them: `parent>element`, `parent>element@attribute`, and the values an
 * attribute or an element's text may take: `parent>element@attribute=value`,
 * `parent>element=value`. virtxml's extension is left out.
 */
export function grammarNames(g) {
  const names = new Set();
  const seen = new Set();
  const local = (nc, out) => {
    if (nc.k === 'name') out.push(nc.local);
    else if (nc.k === 'choice') {
      local(nc.a, out);
      local(nc.b, out);
    }
  };
  // values reachable from an attribute's or element's content without entering another element
  const values = (id, prefix, guard = new Set()) => {
    if (guard.has(id)) return;
    guard.add(id);
    const n = g.nodes[id];
    switch (n[0]) {
      case 'choice':
      case 'group':
      case 'interleave':
        for (const k of n[1]) values(k, prefix, guard);
        break;
      case 'oneOrMore':
      case 'list':
        values(n[1], prefix, guard);
        break;
      case 'value':
        names.add(`${prefix}=${n[3]}`);
        break;
      default:
    }
  };
  const walk = (id, parent, current) => {
    const key = `${id}|${parent}|${current}`;
    if (seen.has(key)) return;
    seen.add(key);
    const n = g.nodes[id];
    switch (n[0]) {
      case 'choice':
      case 'group':
      case 'interleave':
        for (const k of n[1]) walk(k, parent, current);
        break;
      case 'oneOrMore':
      case 'list':
        walk(n[1], parent, current);
        break;
      case 'element': {
        const list = [];
        local(n[1], list);
        for (const name of list) {
          names.add(`${current}>${name}`);
          values(n[2], `${current}>${name}`);
          walk(n[2], current, name);
        }
        break;
      }
      case 'attribute': {
        const list = [];
        local(n[1], list);
        for (const name of list) {
          names.add(`${parent}>${current}@${name}`);
          values(n[2], `${parent}>${current}@${name}`);
        }
        break;
      }
      default:
    }
  };
  // the document root (a device kind's names are the same as under <devices>)
  for (const [kind] of SCHEMA_KINDS) if (g.entries[kind] !== undefined) walk(g.entries[kind], '', '');
  return names;
}

/**
 * For each kind, the names (see grammarNames) that are not in the oldest
 * release's schemas, with the first release whose schemas have them.
 */
export function deriveSince(byRelease) {
  const since = {};
  for (const [kind] of SCHEMA_KINDS) {
    const first = RELEASES.findIndex((r) => byRelease[r][kind] !== undefined);
    if (first < 0) continue;
    const table = {};
    const older = new Set(grammarNames(byRelease[RELEASES[first]][kind]));
    for (const release of RELEASES.slice(first + 1)) {
      if (byRelease[release][kind] === undefined) continue;
      const names = grammarNames(byRelease[release][kind]);
      for (const n of names) if (!older.has(n) && table[n] === undefined) table[n] = release;
      for (const n of names) older.add(n);
    }
    since[kind] = Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return since;
}

const HEADER = (what) => [
  `// Generated by scripts/gen-rng.mjs from ${what}`,
  '// (every schema of SCHEMA_KINDS and what it includes; libvirt is',
  '// LGPL-2.1-or-later). Do not edit: regenerate with `npm run gen:rng`.',
  '/* eslint-disable */',
];

/** The children of a compiled node, by index. */
function childIds(n) {
  switch (n[0]) {
    case 'choice':
    case 'group':
    case 'interleave':
      return n[1];
    case 'oneOrMore':
    case 'list':
      return [n[1]];
    case 'element':
    case 'attribute':
    case 'ext':
      return [n[2]];
    case 'data':
      return n[4] !== undefined ? [n[4]] : [];
    default:
      return [];
  }
}

/** What a node is apart from its children. */
function labelOf(n) {
  switch (n[0]) {
    case 'choice':
    case 'group':
    case 'interleave':
      return `${n[0]}/${n[1].length}`;
    case 'oneOrMore':
    case 'list':
      return n[0];
    case 'element':
    case 'attribute':
    case 'ext':
      return n[0] + JSON.stringify(n[1]);
    case 'data':
      return JSON.stringify(n.slice(0, 4)) + (n[4] !== undefined ? '+except' : '');
    default:
      return JSON.stringify(n);
  }
}

/**
 * Every release's grammars in one node table: nodes that match the same
 * (element names, values, datatypes, structure, cycles included) are one node
 * (Moore's partition refinement over the node graph). The releases share most
 * of their schemas, and a snapshot's, checkpoint's or backup's grammar holds
 * the domain's: the table is a fraction of the grammars side by side.
 * Returns { nodes, entries: { release: { kind: { entry: id } } } }.
 */
export function shareNodes(byRelease) {
  const parts = [];
  for (const [release, kinds] of Object.entries(byRelease)) for (const [kind, g] of Object.entries(kinds)) parts.push({ release, kind, g });
  const offsets = [];
  const all = [];
  for (const { g } of parts) {
    offsets.push(all.length);
    for (const n of g.nodes) all.push(n);
  }
  const kids = new Array(all.length);
  const label = new Array(all.length);
  for (let p = 0; p < parts.length; p++) {
    const off = offsets[p];
    const nodes = parts[p].g.nodes;
    for (let i = 0; i < nodes.length; i++) {
      kids[off + i] = childIds(nodes[i]).map((k) => k + off);
      label[off + i] = labelOf(nodes[i]);
    }
  }
  // classes by label, refined by the children's classes until stable
  let cls = new Array(all.length);
  let count = 0;
  {
    const m = new Map();
    for (let i = 0; i < all.length; i++) {
      if (!m.has(label[i])) m.set(label[i], m.size);
      cls[i] = m.get(label[i]);
    }
    count = m.size;
  }
  for (;;) {
    const m = new Map();
    const next = new Array(all.length);
    for (let i = 0; i < all.length; i++) {
      const key = `${cls[i]}:${kids[i].map((k) => cls[k]).join(',')}`;
      if (!m.has(key)) m.set(key, m.size);
      next[i] = m.get(key);
    }
    cls = next;
    if (m.size === count) break;
    count = m.size;
  }
  // one node per class, in order of first appearance
  const idOfClass = new Map();
  const firsts = [];
  for (let i = 0; i < all.length; i++) {
    if (!idOfClass.has(cls[i])) {
      idOfClass.set(cls[i], firsts.length);
      firsts.push(i);
    }
  }
  const id = (i) => idOfClass.get(cls[i]);
  const nodes = firsts.map((i) => {
    const n = all[i];
    const k = kids[i].map(id);
    switch (n[0]) {
      case 'choice':
      case 'group':
      case 'interleave':
        return [n[0], k];
      case 'oneOrMore':
      case 'list':
        return [n[0], k[0]];
      case 'element':
      case 'attribute':
      case 'ext':
        return [n[0], n[1], k[0]];
      case 'data':
        return n[4] !== undefined ? [n[0], n[1], n[2], n[3], k[0]] : n;
      default:
        return n;
    }
  });
  const entries = {};
  parts.forEach(({ release, kind, g }, p) => {
    (entries[release] ??= {})[kind] = Object.fromEntries(Object.entries(g.entries).map(([e, i]) => [e, id(i + offsets[p])]));
  });
  return { nodes, entries };
}

/** The module of every release's compiled grammars: one JSON text, parsed on first use (src/validate/rng/grammars.ts). */
export function generateGrammars(table) {
  return [
    ...HEADER(`the RelaxNG schemas of libvirt ${RELEASES.join(', ')}`),
    '',
    '/** { nodes, entries: { release: { kind: { entry: node } } } } as JSON text: one node table for every release and kind (parsed on first use). */',
    `export const GRAMMARS = ${JSON.stringify(JSON.stringify(table))};`,
    '',
  ].join('\n');
}

export function generateSince(since) {
  return [
    ...HEADER(`the differences between the RelaxNG schemas of libvirt ${RELEASES.join(', ')}`),
    "import type { LibvirtRelease } from './releases.js';",
    '',
    `/** Per document kind: names (parent>element, parent>element@attribute, …=value) newer than libvirt ${RELEASES[0]}, with the first release that has them. */`,
    `export const SINCE: Record<${Object.keys(since).map((k) => `'${k}'`).join(' | ')}, Record<string, LibvirtRelease>> = ${JSON.stringify(since, null, 1)};`,
    '',
  ].join('\n');
}

/** The module that lists the releases. */
export function generateIndex() {
  return [
    ...HEADER(`the list of releases (scripts/libvirt-releases.json)`),
    '',
    '/** The libvirt releases whose RelaxNG verdict virtxml reproduces, oldest first; the last is the default target. */',
    `export const LIBVIRT_RELEASES = ${JSON.stringify(RELEASES).replace(/"/g, "'").replace(/,/g, ', ')} as const;`,
    '',
  ].join('\n');
}

export const indexFile = join(here, '..', 'src', 'validate', 'rng', 'releases.generated.ts');
export const grammarsFile = join(here, '..', 'src', 'validate', 'rng', 'grammars.generated.ts');
export const sinceFile = join(here, '..', 'src', 'validate', 'rng', 'since.generated.ts');

/** Every generated file: path → text. Throws when a release's schemas are absent. */
export function generateAll() {
  const byRelease = {};
  const files = new Map();
  for (const release of RELEASES) {
    const dir = schemaDir(release);
    if (!existsSync(join(dir, 'domain.rng'))) throw new Error(`libvirt ${release} schemas not found in ${dir}: run npm run update-libvirt -- ${release}`);
    byRelease[release] = compileSchemas(dir);
  }
  files.set(grammarsFile, generateGrammars(shareNodes(byRelease)));
  files.set(sinceFile, generateSince(deriveSince(byRelease)));
  files.set(indexFile, generateIndex());
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [target, text] of generateAll()) {
    writeFileSync(target, text);
    console.log(`wrote ${target} (${(text.length / 1024).toFixed(0)} KiB)`);
  }
}
