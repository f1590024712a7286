#!/usr/bin/env node
// Compiles libvirt's RelaxNG schemas into the simplified pattern graph that
// src/validate/rng/validator.ts runs (RELAX NG spec §4 simplification:
// includes, combine, inherited ns / datatypeLibrary, optional/zeroOrMore/mixed
// rewritten, refs resolved to shared nodes). Output is committed:
//   node scripts/gen-rng.mjs [SCHEMA_DIR]   (default ../shared/libvirt-corpus/schemas)
// writes src/validate/rng/grammars.generated.ts. A test checks it is in sync.
//
// virtxml's extension (group='auto' on <driver> of hostdevs, hostdev
// interfaces and hostdev networks) is added to `hostdevDriver` as an
// extension node: the validator treats it as notAllowed in the `rng` and
// `libvirt` profiles, so those keep libvirt 10.7's exact verdict.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { SaxesParser } = require('saxes');

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
    const ctx = this.context(root, inherited);
    this.collect(rngChildren(root), ctx, file, into);
    return into;
  }

  context(el, inherited) {
    return {
      ns: el.attrs.ns ?? inherited.ns,
      lib: el.attrs.datatypeLibrary ?? inherited.lib,
      nsScope: el.nsScope,
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
    const g = this.loadGrammar(file, { ns: '', lib: '' }, { starts: [], defines: new Map() });
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

export function compileSchemas(dir) {
  const out = {};
  for (const [kind, file] of [['domain', 'domain.rng'], ['network', 'network.rng'], ['networkport', 'networkport.rng']]) {
    const c = new Compiler();
    const { start, defines } = c.compileGrammar(join(dir, file));
    addExtension(c);
    const entries = { [kind]: start };
    if (kind === 'domain') {
      for (const [dev, def] of Object.entries(DEVICE_DEFINES)) {
        const id = defines.get(def);
        if (id === undefined) throw new Error(`domain grammar lacks define ${def}`);
        entries[dev] = id;
      }
    }
    out[kind] = { nodes: c.nodes, entries };
  }
  return out;
}

export function generate(dir) {
  const grammars = compileSchemas(dir);
  const lines = [
    '// Generated by scripts/gen-rng.mjs from libvirt 10.7\'s RelaxNG schemas',
    '// (src/conf/schemas: domain.rng, network.rng, networkport.rng and what they',
    '// include; libvirt is LGPL-2.1-or-later). Do not edit: regenerate.',
    '/* eslint-disable */',
    "import type { CompiledGrammar } from './compiled.js';",
    '',
  ];
  for (const [kind, g] of Object.entries(grammars)) {
    lines.push(`export const ${kind}Grammar: CompiledGrammar = ${JSON.stringify(g)};`, '');
  }
  return lines.join('\n');
}

/**
 * The host-side document kinds (issue 13): node devices, host capabilities and
 * domain capabilities, compiled from libvirt 12.9's schemas (Debian's
 * libvirt-common 12.9: ../shared/tools/get-libvirt-schemas.sh 12.9 DIR, or the
 * chroot's /usr/share/libvirt/schemas) into grammars-host.generated.ts:
 *   node scripts/gen-rng.mjs --host SCHEMA_DIR_12_9
 */
export const HOST_KINDS = [
  ['nodedev', 'nodedev.rng'],
  ['capabilities', 'capability.rng'],
  ['domaincaps', 'domaincaps.rng'],
];

export function generateHost(dir) {
  const lines = [
    "// Generated by scripts/gen-rng.mjs --host from libvirt 12.9's RelaxNG schemas",
    '// (nodedev.rng, capability.rng, domaincaps.rng and what they include;',
    '// libvirt is LGPL-2.1-or-later). Do not edit: regenerate.',
    '/* eslint-disable */',
    "import type { CompiledGrammar } from './compiled.js';",
    '',
  ];
  for (const [kind, file] of HOST_KINDS) {
    const c = new Compiler();
    const { start } = c.compileGrammar(join(dir, file));
    lines.push(`export const ${kind}Grammar: CompiledGrammar = ${JSON.stringify({ nodes: c.nodes, entries: { [kind]: start } })};`, '');
  }
  return lines.join('\n');
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === '--host') {
  if (!process.argv[3]) throw new Error('usage: gen-rng.mjs --host SCHEMA_DIR (libvirt 12.9 schemas)');
  const target = join(here, '..', 'src', 'validate', 'rng', 'grammars-host.generated.ts');
  const text = generateHost(resolve(process.argv[3]));
  writeFileSync(target, text);
  console.log(`wrote ${target} (${(text.length / 1024).toFixed(0)} KiB)`);
} else if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(here, '..', '..', 'shared', 'libvirt-corpus', 'schemas'));
  const target = join(here, '..', 'src', 'validate', 'rng', 'grammars.generated.ts');
  const text = generate(dir);
  writeFileSync(target, text);
  console.log(`wrote ${target} (${(text.length / 1024).toFixed(0)} KiB)`);
}
