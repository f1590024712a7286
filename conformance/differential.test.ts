/**
 * Differential test against libvirt 12.9 itself (issue 11, item 3): documents
 * generated from the compiled RelaxNG grammar (./differential/generate.ts)
 * are given to libvirt's parser and formatter; for every document libvirt
 * accepts, virtxml must parse it, and format(parse(y)) must be exactly
 * libvirt's output y; for every document libvirt refuses, the `libvirt`
 * validation profile must refuse it too.
 *
 * libvirt's answers for our generated documents are cached in
 * ./differential/libvirt-12.9-answers.json.gz (regenerate as root with the
 * chroot: `VIRTXML_ORACLE_REFRESH=1 npm run conformance -- differential`).
 * With the chroot present, a bounded live sample also runs: fresh documents
 * (another seed) and libvirt's own test inputs, each file also mutated.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatDomainXml, formatNetworkXml, parseDomainXml, parseNetworkXml, validateXml } from '../src/index.js';
import type { CompiledGrammar } from '../src/validate/rng/compiled.js';
import { corpusFiles, HAVE_CORPUS, printTable } from './corpus.js';
import { generateDomainDocs, generateDomainPartDocs, generateNetworkDocs, GrammarWalker, type GeneratedDoc } from './differential/generate.js';
import { askLibvirt, CHROOT_SCHEMAS, hashOf, liveOracleUnavailable, markRefusedOutputs, readCache, writeCache, type Answer, type CachedCase } from './differential/oracle.js';
import { corpusMutations, emptiedVariants, withoutAttributeVariants } from './differential/mutate.js';
// @ts-expect-error plain JS module (the grammar compiler of scripts/gen-rng.mjs)
import { compileSchemas, schemaDir } from '../scripts/gen-rng.mjs';

/**
 * Recorded floors (shares in %): parsed and byte-identical over the documents
 * libvirt accepts, refused-by-both over those it refuses. A drop fails the
 * test; raise them as the model grows (the goal is 100).
 * Measured on the cached answers: before the fixes of issue 11 (classes 1-5)
 * parsed 94.28, byte-identical 84.85, refused by both 78.30.
 */
// refused by both fell from 78.3 to 74.8 when the model became libvirt 12.9's (values 10.7 did not
// know, which virtxml refused, are now known; libvirt refuses them for semantic reasons the libvirt
// profile does not check yet); the documents focused on top-level parts (3,108 cases, 389 of 638
// domain elements reached, was 202) brought new classes: parsed 99.15, identical 98.2, refused 71.31
// + each attribute libvirt wrote, removed and asked again (4,113 cases): attributes virtxml required and
// libvirt reads past or fills in (parsed 94.14 before the fix, 99.49 after)
// then: libvirt's outputs read by libvirt again (6 it refuses itself are not held against virtxml),
// <vcpu placement='auto'> not reading cpuset, the empty PCI address: parsed 99.88, identical 99.72
// more documents (8,409 cases: 4,000 device, 2,000 part, 600 network documents and their variants; domain
// elements reached in accepted documents 389 → 426): parsed 99.92, identical 99.84, refused by both 72.37
// the last classes (vnc wait and autoport, a none balloon's address, a hostdev source without address,
// sizes beyond 2^53): parsed 100, identical 100
// then libvirt's define-time rules behind each large class of refusals (grouped by libvirt's message; each rule
// with a test in test/libvirt-rules-devices.test.ts that libvirt 12.9 is asked about too): refused by both
// 72.38 → 97.93
// then the network parser's rules (an <ip> address, bandwidth rates, classID and floor, static routes, register
// without localOnly, an empty name; test/libvirt-rules-network.test.ts) and the domain classes left (disk model,
// tray and removable, edid, ip prefix and peer, cache levels, a disk without source, the xen input bus, …): 97.93 → 99.9
const FLOOR = { parsed: 100, identical: 100, refusedByBoth: 99.96 };
const SEED = 1109;
const DOMAIN_DOCS = 4000;
const NETWORK_DOCS = 600;
/** Documents that focus on one top-level part of the domain (<cpu>, <features>, <cputune>, …). */
const PART_DOCS = 2000;
/** Live sample size (fresh seed, corpus files and their mutations) when the chroot is present. */
const LIVE_SAMPLE = Number(process.env.VIRTXML_LIVE_SAMPLE ?? 400);

interface Outcome {
  name: string;
  answer: Answer;
  parsedInput?: boolean;
  parsedOutput?: boolean;
  /** libvirt refused its own output on reading it again (see Answer.outputRefused). */
  selfRefused?: boolean;
  identical?: boolean;
  refused?: boolean;
  detail?: string;
}

function judge(c: { name: string; xml: string; answer: Answer }): Outcome {
  const o: Outcome = { name: c.name, answer: c.answer };
  const isNet = /^\s*<network[\s>]/.test(c.xml);
  const parse = isNet ? parseNetworkXml : parseDomainXml;
  const format = (d: never) => (isNet ? formatNetworkXml(d) : formatDomainXml(d));
  if (c.answer.ok) {
    try {
      parse(c.xml);
      o.parsedInput = true;
    } catch (e) {
      o.parsedInput = false;
      o.detail = `input: ${(e as Error).message}`;
    }
    const y = c.answer.xml!;
    if (c.answer.outputRefused !== undefined) {
      // libvirt refuses its own output: nothing to reproduce (counted apart)
      o.parsedOutput = true;
      o.identical = true;
      o.selfRefused = true;
      return o;
    }
    try {
      const out = format(parse(y) as never);
      o.parsedOutput = true;
      o.identical = out === y;
      if (!o.identical) o.detail ??= `differs: ${firstDiff(y, out)}`;
    } catch (e) {
      o.parsedOutput = false;
      o.identical = false;
      o.detail ??= `output: ${(e as Error).message}`;
    }
  } else {
    const v = validateXml(c.xml, { profile: 'libvirt' });
    o.refused = !v.valid;
    if (!o.refused) o.detail = `libvirt: ${c.answer.error}`;
  }
  return o;
}

function firstDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: libvirt ${JSON.stringify(al[i])} virtxml ${JSON.stringify(bl[i])}`;
  }
  return '?';
}

function summarize(title: string, outcomes: Outcome[]): Record<string, number> {
  const accepted = outcomes.filter((o) => o.answer.ok);
  const refused = outcomes.filter((o) => !o.answer.ok);
  const pct = (n: number, d: number) => (d ? Math.floor((10000 * n) / d) / 100 : 100);
  const parsed = accepted.filter((o) => o.parsedInput && o.parsedOutput).length;
  const identical = accepted.filter((o) => o.identical).length;
  const both = refused.filter((o) => o.refused).length;
  const row = {
    tried: outcomes.length,
    'accepted by libvirt': accepted.length,
    'parsed by virtxml %': pct(parsed, accepted.length),
    'byte-identical %': pct(identical, accepted.length),
    'output refused by libvirt itself': accepted.filter((o) => o.selfRefused).length,
    'refused by libvirt': refused.length,
    'refused by both': both,
    'refused by both %': pct(both, refused.length),
  };
  printTable(title, [row]);
  const bad = outcomes.filter((o) => o.detail);
  if (bad.length) {
    // one line per class of difference (first words of the detail), with a count and an example
    const classes = new Map<string, { n: number; example: string }>();
    for (const o of bad) {
      const key = o.detail!.replace(/'[^']*'/g, "'…'").replace(/"[^"]*"/g, '"…"').slice(0, 90);
      const e = classes.get(key);
      if (e) e.n++;
      else classes.set(key, { n: 1, example: `${o.name}: ${o.detail!.slice(0, 300)}` });
    }
    console.log(
      `${title}: ${bad.length} disagreements\n  ` +
        [...classes.values()]
          .sort((a, b) => b.n - a.n)
          .slice(0, Number(process.env.VIRTXML_CLASSES ?? 40))
          .map((c) => `${c.n}× ${c.example}`)
          .join('\n  '),
    );
  }
  return { parsed: pct(parsed, accepted.length), identical: pct(identical, accepted.length), refusedByBoth: pct(both, refused.length) };
}

type Grammars = { domain: CompiledGrammar; network: CompiledGrammar };
let compiled: Grammars | undefined;
/** libvirt 12.9's grammars, compiled from its schemas (fetched by `npm run update-libvirt -- --fetch`, or the chroot's). */
function grammars(): Grammars | undefined {
  const dir = [schemaDir('12.9') as string, CHROOT_SCHEMAS].find((d) => existsSync(join(d, 'domain.rng')));
  if (!dir) return undefined;
  return (compiled ??= compileSchemas(dir) as Grammars);
}

function generated(g: Grammars, seed: number, nDom: number, nNet: number, nPart = 0): GeneratedDoc[] {
  return [...generateDomainDocs(g.domain, nDom, seed), ...generateNetworkDocs(g.network, nNet, seed + 1), ...generateDomainPartDocs(g.domain, nPart, seed + 2)];
}

/** How much of the domain grammar the documents libvirt accepted exercise (generation is deterministic: the cached cases are regenerated to know what each touched). */
function printCensus(g: Grammars, cases: CachedCase[]): void {
  const docs = new Map(generated(g, SEED, DOMAIN_DOCS, NETWORK_DOCS, PART_DOCS).map((d) => [d.name, d]));
  const reached = new Set<number>();
  for (const c of cases) {
    const d = docs.get(c.name);
    if (c.answer.ok && d && d.xml === c.xml && !c.name.startsWith('net-')) for (const t of d.touched) reached.add(t);
  }
  const generatedAll = new Set<number>();
  for (const d of docs.values()) if (!d.name.startsWith('net-')) for (const t of d.touched) generatedAll.add(t);
  const census = GrammarWalker.census(g.domain, reached);
  const tried = GrammarWalker.census(g.domain, generatedAll);
  printTable(
    'domain grammar (12.9): element, attribute and value patterns in generated documents, and in those libvirt accepts',
    Object.entries(census).map(([k, v]) => ({ kind: k, total: v.total, generated: tried[k as keyof typeof tried].reached, 'accepted by libvirt': v.reached })),
  );
}

const live = liveOracleUnavailable();
const refresh = process.env.VIRTXML_ORACLE_REFRESH === '1';

describe('differential test against libvirt 12.9', () => {
  it('generated documents (cached answers of libvirt 12.9)', () => {
    let cases = readCache();
    if (refresh) {
      if (live) throw new Error(`VIRTXML_ORACLE_REFRESH=1 but ${live}`);
      const g = grammars()!;
      const docs = generated(g, SEED, DOMAIN_DOCS, NETWORK_DOCS, PART_DOCS);
      const answers = askLibvirt(docs);
      cases = docs.map((d) => ({ name: d.name, xml: d.xml, answer: answers.get(hashOf(d.xml))! }));
      // class 1 (empty elements): every element libvirt wrote with content, emptied, asked again
      const emptied = emptiedVariants(cases.filter((c) => c.answer.ok).map((c) => ({ name: c.name, xml: c.answer.xml! })), 3);
      const again = askLibvirt(emptied);
      cases.push(...emptied.map((d) => ({ name: d.name, xml: d.xml, answer: again.get(hashOf(d.xml))! })));
      // required attributes: every attribute libvirt wrote, removed, asked again
      const accepted = cases.filter((c) => c.answer.ok && !c.name.includes('/')).map((c) => ({ name: c.name, xml: c.answer.xml! }));
      const stripped = withoutAttributeVariants(accepted, 2);
      const third = askLibvirt(stripped);
      cases.push(...stripped.map((d) => ({ name: d.name, xml: d.xml, answer: third.get(hashOf(d.xml))! })));
      // libvirt's outputs read by libvirt again: one it refuses is no document it accepts
      markRefusedOutputs(cases.map((c) => c.answer));
      writeCache(cases);
    }
    const g = grammars();
    if (g && cases.length) printCensus(g, cases);
    if (!cases.length) {
      console.warn('no cached libvirt answers: run VIRTXML_ORACLE_REFRESH=1 npm run conformance -- differential (as root, with the chroot)');
      return;
    }
    const shares = summarize('differential: generated documents vs libvirt 12.9 (cached answers)', cases.map(judge));
    expect(shares.parsed).toBeGreaterThanOrEqual(FLOOR.parsed);
    expect(shares.identical).toBeGreaterThanOrEqual(FLOOR.identical);
    expect(shares.refusedByBoth).toBeGreaterThanOrEqual(FLOOR.refusedByBoth);
  });

  it.skipIf(Boolean(live) || LIVE_SAMPLE <= 0)('live sample: fresh documents, corpus files and their mutations', () => {
    const g = grammars();
    const seed = Number(process.env.VIRTXML_LIVE_SEED ?? Date.now() % 100000);
    const docs: Array<{ name: string; xml: string }> = g ? generated(g, seed, Math.ceil(LIVE_SAMPLE / 2), Math.ceil(LIVE_SAMPLE / 10)) : [];
    if (HAVE_CORPUS) {
      const corpus = corpusFiles('qemuxmlconfdata', (n) => !/\.[a-z0-9_]+-(latest|\d[\d.]*)\.xml$/.test(n) && !/-(in|out)active\.xml$/.test(n));
      const pick = corpus.filter((_, i) => i % Math.max(1, Math.floor(corpus.length / Math.ceil(LIVE_SAMPLE / 4))) === 0);
      for (const f of pick) docs.push({ name: `corpus/${f.name}`, xml: f.text });
      docs.push(...corpusMutations(pick, seed, Math.ceil(LIVE_SAMPLE / 4)));
    }
    const answers = askLibvirt(docs);
    const cases: CachedCase[] = docs.map((d) => ({ name: d.name, xml: d.xml, answer: answers.get(hashOf(d.xml))! }));
    markRefusedOutputs(cases.map((c) => c.answer));
    console.log(`live sample: seed ${seed}`);
    const shares = summarize('differential: live sample vs libvirt 12.9', cases.map(judge));
    if (process.env.VIRTXML_LIVE_STRICT === '1') {
      expect(shares.parsed).toBeGreaterThanOrEqual(FLOOR.parsed);
      expect(shares.identical).toBeGreaterThanOrEqual(FLOOR.identical);
    }
  });
});
