/**
 * Fuzzing validateXml (fast-check): random text, random XML trees built from
 * libvirt's vocabulary and hostile names, and byte-level damage of our own
 * fixtures. Nothing crashes, hangs or pollutes prototypes; every failure is a
 * diagnostic with a place; virtxml never reports an internal error.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES, validateXml, type ValidationResult } from '../src/validate/index.js';

const NAMES = [
  'domain', 'network', 'networkport', 'devices', 'disk', 'hostdev', 'interface', 'source', 'address', 'driver',
  'target', 'name', 'uuid', 'memory', 'os', 'type', 'forward', 'pf', 'ip', 'dhcp', 'range', 'metadata',
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'qemu:commandline', 'x',
];
const ATTRS = ['type', 'mode', 'managed', 'name', 'group', 'bus', 'slot', 'function', 'domain', 'dev', '__proto__', 'constructor', 'xmlns:qemu', 'unit'];
const VALUES = ['', 'auto', 'vfio', 'yes', 'no', 'pci', '0x0000', '0x1f', '-1', '99999999999999999999999', 'http://libvirt.org/schemas/domain/qemu/1.0', '&amp;', '&lt;x&gt;', 'é'];

interface Tree { name: string; attrs: Array<[string, string]>; kids: Array<Tree | string> }
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.record({
    name: fc.constantFrom(...NAMES),
    attrs: fc.uniqueArray(fc.tuple(fc.constantFrom(...ATTRS), fc.constantFrom(...VALUES)), { maxLength: 4, selector: (a) => a[0] }),
    kids: fc.array(fc.oneof({ maxDepth: 6, depthIdentifier: 'tree' }, fc.constantFrom('text', ' ', '42', 'hvm'), tie('t')), { maxLength: 4, depthIdentifier: 'tree' }),
  }),
})).t;

function serialize(t: Tree | string): string {
  if (typeof t === 'string') return t;
  const attrs = t.attrs.map(([k, v]) => ` ${k}='${v}'`).join('');
  return t.kids.length ? `<${t.name}${attrs}>${t.kids.map(serialize).join('')}</${t.name}>` : `<${t.name}${attrs}/>`;
}

function wellFormedResult(r: ValidationResult): void {
  expect(typeof r.valid).toBe('boolean');
  for (const d of r.diagnostics) {
    expect(d.code).not.toBe('internal');
    expect(typeof d.message).toBe('string');
    expect(Number.isInteger(d.line) && Number.isInteger(d.column)).toBe(true);
    expect(d.path.startsWith('/')).toBe(true);
  }
  expect(r.valid).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
}

function unpolluted(): void {
  const o: Record<string, unknown> = {};
  expect(o.polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(typeof Object.prototype.toString).toBe('function');
}

describe('validateXml fuzzing', () => {
  it('random text never crashes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom(...PROFILES), (s, profile) => {
        wellFormedResult(validateXml(s, { profile }));
      }),
      { numRuns: 400 },
    );
  });

  it('random XML trees from libvirt names and hostile names', () => {
    fc.assert(
      fc.property(tree, fc.constantFrom(...PROFILES), (t, profile) => {
        const xml = serialize(t);
        wellFormedResult(validateXml(xml, { profile }));
        wellFormedResult(validateXml(xml, { profile, kind: 'hostdev' }));
        unpolluted();
      }),
      { numRuns: 400 },
    );
  });

  it('damaged fixtures: every failure is a diagnostic with a place', () => {
    const dir = join(__dirname, '..', 'examples');
    const texts = ['domains', 'networks'].flatMap((d) => readdirSync(join(dir, d)).filter((f) => f.endsWith('.xml')).map((f) => readFileSync(join(dir, d, f), 'utf8')));
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom('<', '>', "'", '"', '=', '/', 'x', ' ', '&', '\u0000', '0x', '<bogus/>', "group='auto' ")), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...PROFILES),
        (text, edits, profile) => {
          let s = text;
          for (const [at, del, ins] of edits) {
            const i = at % (s.length + 1);
            s = s.slice(0, i) + ins + s.slice(i + del);
          }
          const r = validateXml(s, { profile });
          wellFormedResult(r);
          for (const d of r.diagnostics) if (d.code !== 'xml-malformed') expect(d.line).toBeGreaterThan(0);
          unpolluted();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('bounded: deep nesting and huge device lists end with a verdict', () => {
    const deep = '<domain>' + '<devices>'.repeat(100_000) + '</devices>'.repeat(100_000) + '</domain>';
    const r = validateXml(deep);
    expect(r.valid).toBe(false);
    expect(r.diagnostics[0]!.code).toBe('xml-too-deep');
    const many = `<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><devices>${"<disk type='file' device='disk'><source file='/x'/><target dev='vda'/></disk>".repeat(20_000)}</devices></domain>`;
    const v = validateXml(many, { profile: 'rng' });
    expect(v.valid).toBe(true);
    const bad = validateXml(many.replace(/device='disk'/g, "device='dsk'"), { profile: 'rng' });
    expect(bad.diagnostics).toHaveLength(100); // maxDiagnostics
  });
});
