/**
 * Mutation check: small breakages of valid corpus files (a dropped
 * attribute, an out-of-range number, an unknown element or attribute, a
 * misspelt enum value). For each one libvirt (xmllint + the 10.7 schemas)
 * rejects, virtxml's rng profile must reject it too and put its first
 * diagnostic on the changed node's line and column; for each one libvirt
 * accepts, virtxml must accept it too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXml } from '../src/validate/index.js';
import { readXml } from '../src/xml/reader.js';
import { XmlSource, findAttributeOffset } from '../src/xml/source.js';
import type { XmlElement } from '../src/xml/tree.js';
import { HAVE_CORPUS, corpusFiles, printTable, type CorpusFile } from './corpus.js';
import { oracleValidate, oracleValidateAvailable } from './oracle.js';

type Kind = 'drop-attribute' | 'out-of-range' | 'unknown-element' | 'unknown-attribute' | 'misspelt-enum';
const KINDS: Kind[] = ['drop-attribute', 'out-of-range', 'unknown-element', 'unknown-attribute', 'misspelt-enum'];

interface Mutation {
  kind: Kind;
  from: string;
  text: string;
  /** offset of the changed node in the mutated text */
  offset: number;
}

/** A small deterministic PRNG (mulberry32), so the run is the same every time. */
function prng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function elements(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    // foreign content (metadata, namespaced elements) accepts anything: not a useful target
    if (e.name === 'metadata' || e.name.includes(':')) return;
    out.push(e);
    for (const c of e.children) if (c.type === 'element') walk(c);
  };
  walk(root);
  return out;
}

function startTagEnd(text: string, start: number): number {
  let q = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
    else if (c === '>') return i;
  }
  return -1;
}

function pick<T>(list: T[], r: () => number): T | undefined {
  return list.length ? list[Math.floor(r() * list.length)] : undefined;
}

function mutate(f: CorpusFile, kind: Kind, r: () => number): Mutation | undefined {
  const text = f.text;
  const els = elements(readXml(text).root);
  const from = `${f.dir}/${f.name}`;
  const attrs = els.flatMap((el) => el.attributes.filter((a) => !a.name.startsWith('xmlns')).map((a) => ({ el, a })));
  const replaceValue = (filter: (v: string) => boolean, next: (v: string) => string): Mutation | undefined => {
    const t = pick(attrs.filter(({ a }) => filter(a.value)), r);
    if (!t) return undefined;
    const off = findAttributeOffset(text, t.el.start, t.a.name);
    const eq = text.indexOf('=', off);
    const q = text.indexOf(text[eq + 1] === "'" || text[eq + 1] === '"' ? text[eq + 1]! : "'", eq);
    const close = text.indexOf(text[q]!, q + 1);
    return { kind, from, text: text.slice(0, q + 1) + next(t.a.value) + text.slice(close), offset: off };
  };
  switch (kind) {
    case 'drop-attribute': {
      const t = pick(attrs, r);
      if (!t) return undefined;
      const off = findAttributeOffset(text, t.el.start, t.a.name);
      const eq = text.indexOf('=', off);
      const q = text[eq + 1]!;
      const close = text.indexOf(q, eq + 2);
      let s = off;
      while (s > 0 && /\s/.test(text[s - 1]!)) s--;
      return { kind, from, text: text.slice(0, s) + text.slice(close + 1), offset: t.el.start };
    }
    case 'out-of-range':
      return replaceValue((v) => /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v), (v) => (v.startsWith('0x') ? '0x1' + 'f'.repeat(17) : '9'.repeat(21)));
    case 'misspelt-enum':
      return replaceValue(
        (v) => /^[a-z][a-z0-9-]{2,}$/.test(v),
        (v) => (v[v.length - 1] !== v[v.length - 2] ? v.slice(0, -2) + v[v.length - 1] + v[v.length - 2] : v + 'x'),
      );
    case 'unknown-attribute': {
      const el = pick(els, r);
      if (!el) return undefined;
      const at = el.start + 1 + el.name.length;
      return { kind, from, text: text.slice(0, at) + " virtxmlBogus='1'" + text.slice(at), offset: at + 1 };
    }
    case 'unknown-element': {
      const el = pick(
        els.filter((e) => e.children.some((c) => c.type === 'element')),
        r,
      );
      if (!el) return undefined;
      const end = startTagEnd(text, el.start);
      return { kind, from, text: text.slice(0, end + 1) + '<virtxmlBogus/>' + text.slice(end + 1), offset: end + 1 };
    }
  }
}

const why = HAVE_CORPUS ? oracleValidateAvailable() : 'libvirt corpus absent';
if (why) console.warn(`mutation check skipped: ${why}`);

describe.skipIf(why !== undefined)('mutation check against libvirt', () => {
  it('rejects what libvirt rejects, at the changed node', () => {
    const r = prng(Number(process.env.VIRTXML_MUTATION_SEED ?? 20261201));
    const pool = [
      ...corpusFiles('qemuxmlconfdata', (n) => /\.x86_64-latest\.xml$/.test(n)),
      ...corpusFiles('networkxml2xmlout'),
      ...corpusFiles('virnetworkportxml2xmldata'),
    ].filter((f) => validateXml(f.text, { profile: 'rng' }).valid);
    // a fixed sample of files, every kind of breakage on each
    const sample = pool.filter(() => r() < 0.25);
    const mutations: Mutation[] = [];
    for (const f of sample) for (const k of KINDS) {
      const m = mutate(f, k, r);
      if (m) mutations.push(m);
    }
    const dir = mkdtempSync(join(tmpdir(), 'virtxml-mutations-'));
    try {
      const paths = mutations.map((m, i) => {
        const p = join(dir, `m${i}.xml`);
        writeFileSync(p, m.text);
        return p;
      });
      const oracle = oracleValidate(paths);
      const rows = KINDS.map((kind) => ({ kind, mutated: 0, 'libvirt rejects': 0, 'virtxml rejects': 0, 'at the node': 0, 'libvirt accepts': 0, 'virtxml accepts': 0 }));
      const misses: string[] = [];
      mutations.forEach((m, i) => {
        const row = rows[KINDS.indexOf(m.kind)]!;
        row.mutated++;
        const verdict = oracle.get(paths[i]!)!;
        const mine = validateXml(m.text, { profile: 'rng' });
        const want = new XmlSource(m.text).placeOf(m.offset);
        if (!verdict.valid) {
          row['libvirt rejects']++;
          if (!mine.valid) row['virtxml rejects']++;
          const first = mine.diagnostics[0];
          if (first && first.line === want.line && first.column === want.column) row['at the node']++;
          else misses.push(`${m.kind} ${m.from} → ${want.line}:${want.column}: virtxml ${first ? `${first.line}:${first.column} ${first.message}` : 'valid'}`);
        } else {
          row['libvirt accepts']++;
          if (mine.valid) row['virtxml accepts']++;
          else misses.push(`${m.kind} ${m.from}: libvirt accepts, virtxml: ${mine.diagnostics[0]!.line}:${mine.diagnostics[0]!.column} ${mine.diagnostics[0]!.message}`);
        }
      });
      printTable(`mutation check (${sample.length} files, ${mutations.length} mutations)`, rows);
      if (misses.length) console.log('misses:\n  ' + misses.join('\n  '));
      expect(mutations.length).toBeGreaterThan(500);
      expect(misses).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
