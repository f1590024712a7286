/**
 * Lossless, as a property: libvirt's own formatted domains (which we write
 * back byte for byte) with unknown attributes, elements and comments injected
 * at random places — random names, in a foreign namespace or not — come back
 * from format(parse(x)) exactly as injected, and parsing that again is a fixed
 * point. And on arbitrarily damaged input, parse throws nothing but
 * VirtXmlError.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDomainXml, parseDomainXml, readXml, VirtXmlError } from '../src/model.js';
import { cloneNode, type XmlElement, type XmlNode } from '../src/xml/tree.js';
import { writeElement } from '../src/xml/writer.js';

const CORPUS = process.env.VIRTXML_CORPUS ?? join(__dirname, '..', '..', 'shared', 'libvirt-corpus');
const DIR = join(CORPUS, 'tests', 'qemuxmlconfdata');
const HAVE = existsSync(DIR);
if (!HAVE) console.warn(`libvirt corpus not found at ${CORPUS}: lossless property tests skipped`);

const serialize = (root: XmlElement) => writeElement(root, 0) + '\n';

/**
 * libvirt's formatted outputs that we write back byte for byte and whose
 * tree our writer also reproduces (so an injected tree has one expected text).
 */
function canonicalFiles(): Array<{ name: string; text: string }> {
  if (!HAVE) return [];
  const out = [];
  for (const name of readdirSync(DIR).filter((n) => /-latest\.xml$/.test(n)).sort()) {
    const text = readFileSync(join(DIR, name), 'utf8');
    try {
      if (serialize(readXml(text).root) === text && formatDomainXml(parseDomainXml(text)) === text) out.push({ name, text });
    } catch {
      /* not a candidate */
    }
  }
  return out;
}

const FILES = canonicalFiles();
const NS = 'urn:virtxml:lossless-test';
/** More runs for a deeper search: VIRTXML_PROPERTY_RUNS=20000. */
const RUNS = Number(process.env.VIRTXML_PROPERTY_RUNS ?? 0);

/** Names no declaration uses: `zz` + random. */
const name = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,6}$/).map((s) => 'zz' + s);
const value = fc.string({ unit: fc.constantFrom(...'ab yz09<>&\'"=/.-_é\u00a0'.split('')), maxLength: 12 });
const commentText = fc.stringMatching(/^[a-z ]{0,10}$/).map((s) => ' ' + s + ' ');

type Op =
  | { t: 'attr'; at: number; name: string; ns: boolean; value: string }
  | { t: 'elem'; at: number; pos: number; name: string; ns: boolean; attrs: Array<[string, string]>; text: string | null; kid: boolean }
  | { t: 'comment'; at: number; pos: number; text: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('attr' as const), at: fc.nat(), name, ns: fc.boolean(), value }),
  fc.record({
    t: fc.constant('elem' as const),
    at: fc.nat(),
    pos: fc.nat(),
    name,
    ns: fc.boolean(),
    attrs: fc.array(fc.tuple(name, value), { maxLength: 3 }),
    text: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9 ]{0,8}$/), { nil: null }),
    kid: fc.boolean(),
  }),
  fc.record({ t: fc.constant('comment' as const), at: fc.nat(), pos: fc.nat(), text: commentText }),
);

function elementsOf(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    out.push(el);
    for (const c of el.children) if (c.type === 'element') walk(c);
  };
  walk(root);
  return out;
}

/** Applies the injections to a copy of the tree; returns it. */
function inject(source: XmlElement, ops: Op[]): XmlElement {
  const root = cloneNode(source);
  const els = elementsOf(root); // targets: the original elements only
  let usesNs = false;
  for (const o of ops) {
    const el = els[o.at % els.length]!;
    if (o.t === 'attr') {
      const n = o.ns ? 'vx:' + o.name : o.name;
      if (el.attributes.some((a) => a.name === n)) continue;
      el.attributes.push({ name: n, value: o.value });
      usesNs ||= o.ns;
      continue;
    }
    let node: XmlNode;
    if (o.t === 'comment') node = { type: 'comment', text: o.text };
    else {
      const attrs: XmlElement['attributes'] = [];
      for (const [k, v] of o.attrs) if (!attrs.some((a) => a.name === k)) attrs.push({ name: k, value: v });
      const kids: XmlNode[] = [];
      if (o.text !== null) kids.push({ type: 'text', text: o.text });
      else if (o.kid) kids.push({ type: 'element', name: o.name + 'kid', attributes: [{ name: 'a', value: 'b' }], children: [], start: -1 });
      node = { type: 'element', name: o.ns ? 'vx:' + o.name : o.name, attributes: attrs, children: kids, start: -1 };
      usesNs ||= o.ns;
    }
    el.children.splice(o.pos % (el.children.length + 1), 0, node);
  }
  if (usesNs) root.attributes.push({ name: 'xmlns:vx', value: NS });
  return root;
}

describe.skipIf(!HAVE)('lossless (property)', () => {
  it('has canonical corpus files to work on', () => {
    expect(FILES.length).toBeGreaterThan(500);
  });

  it('keeps injected unknown attributes, elements and comments exactly, and is a fixed point', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(op, { minLength: 1, maxLength: 6 }), (i, ops) => {
        const file = FILES[i % FILES.length]!;
        const mutated = serialize(inject(readXml(file.text).root, ops));
        const out = formatDomainXml(parseDomainXml(mutated));
        expect(out).toBe(mutated);
        expect(formatDomainXml(parseDomainXml(out))).toBe(out);
      }),
      { numRuns: RUNS || 400 },
    );
  });

  it('keeps content injected into text and flag elements (<name>, <readonly/>)', () => {
    const xml = `<domain type='kvm' xmlns:vx='${NS}'>
  <name vx:a='1'>vm<!-- c --><zzx/></name>
  <memory unit='KiB'><zzy/>1024</memory>
  <devices>
    <disk type='file' device='disk'>
      <source file='/a'/>
      <target dev='vda' bus='virtio'/>
      <readonly zz='1'>
        <zzkid/>
      </readonly>
    </disk>
  </devices>
</domain>
`;
    const def = parseDomainXml(xml);
    expect(def.name).toBe('vm');
    expect(formatDomainXml(def)).toBe(xml);
    // a changed value is written inside the kept element
    def.name = 'other';
    expect(formatDomainXml(def)).toContain(`<name vx:a='1'>other<!-- c --><zzx/></name>`);
  });

  it('parse throws only VirtXmlError on damaged input', () => {
    const damage = fc.oneof(
      // cut a slice out
      fc.record({ t: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
      // insert random characters
      fc.record({ t: fc.constant('ins' as const), at: fc.nat(), s: fc.string({ unit: fc.constantFrom(...'<>/=\'" &;a1-x:\n'.split('')), maxLength: 8 }) }),
      // replace an attribute value with a random one
      fc.record({ t: fc.constant('val' as const), at: fc.nat(), s: fc.oneof(value, fc.constantFrom('', '-1', '0x', '99999999999999999999', 'yes', 'on', '0', 'none')) }),
      // drop an element
      fc.record({ t: fc.constant('drop' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.nat(), fc.array(damage, { minLength: 1, maxLength: 4 }), (i, ds) => {
        const file = FILES[i % FILES.length]!;
        let text = file.text;
        for (const d of ds) {
          if (d.t === 'cut') {
            const at = d.at % text.length;
            text = text.slice(0, at) + text.slice(at + d.len);
          } else if (d.t === 'ins') {
            const at = d.at % (text.length + 1);
            text = text.slice(0, at) + d.s + text.slice(at);
          } else {
            let root: XmlElement;
            try {
              root = readXml(text).root;
            } catch {
              continue;
            }
            const els = elementsOf(root);
            if (d.t === 'val') {
              const withAttrs = els.filter((e) => e.attributes.length);
              const el = withAttrs[d.at % withAttrs.length];
              if (el) el.attributes[d.at % el.attributes.length]!.value = d.s;
            } else {
              const el = els[d.at % els.length]!;
              const parent = els.find((p) => p.children.includes(el));
              if (parent) parent.children.splice(parent.children.indexOf(el), 1);
            }
            text = serialize(root);
          }
        }
        let def;
        try {
          def = parseDomainXml(text);
        } catch (e) {
          if (!(e instanceof VirtXmlError)) throw new Error(`not a VirtXmlError: ${(e as Error)?.stack ?? String(e)}\n--- input:\n${text}`);
          return;
        }
        // what parses also formats, and formats to a fixed point
        const out = formatDomainXml(def);
        expect(formatDomainXml(parseDomainXml(out))).toBe(out);
      }),
      { numRuns: RUNS || 1500 },
    );
  });
});
