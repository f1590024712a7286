/**
 * Validation cost linear in the document (issue 15): the disk order libvirt
 * keeps (virDomainDiskInsert) computed without its quadratic insertion, and
 * the same answers as that insertion; many unknown attributes described once
 * each, up to the diagnostic cap. No time limits here: speed is in
 * `npm run bench` (bench/validate-scale.mjs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diskBus, diskNameToIndex, libvirtDiskOrder } from '../src/validate/semantic/address.js';
import { validateXml } from '../src/validate/index.js';

type D = { obj: { target?: { dev: string; bus?: string } }; n: number; path: string };

/** libvirt's virDomainDiskInsert, as written there: the reference. */
function insertionOrder(disks: D[]): D[] {
  const out: D[] = [];
  for (const l of disks) {
    const bus = diskBus(l.obj.target);
    const idx = diskNameToIndex(l.obj.target?.dev ?? '') ?? -1;
    let insertAt = -1;
    for (let i = out.length - 1; i >= 0; i--) {
      const o = out[i]!;
      if (diskBus(o.obj.target) !== bus) continue;
      if ((diskNameToIndex(o.obj.target?.dev ?? '') ?? -1) > idx) insertAt = i;
      else if (insertAt === -1) insertAt = i + 1;
    }
    if (insertAt === -1) out.push(l);
    else out.splice(insertAt, 0, l);
  }
  return out;
}

describe('libvirtDiskOrder', () => {
  it('is virDomainDiskInsert repeated, for any arrival order, buses and duplicate names', () => {
    const disk = fc.record({
      prefix: fc.constantFrom('vd', 'sd', 'hd', 'fd', 'xx'),
      letters: fc.stringMatching(/^[a-c]{1,2}$/),
      bus: fc.option(fc.constantFrom('virtio', 'scsi', 'sata'), { nil: undefined }),
      noTarget: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(disk, { maxLength: 40 }), (specs) => {
        const disks: D[] = specs.map((s, n) => ({
          n,
          path: `/domain/devices/disk[${n + 1}]`,
          obj: s.noTarget && n % 7 === 0 ? {} : { target: { dev: s.prefix + s.letters, ...(s.bus ? { bus: s.bus } : {}) } },
        }));
        expect(libvirtDiskOrder(disks).map((d) => d.n)).toEqual(insertionOrder(disks).map((d) => d.n));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every disk once, in index order per bus, for 20,000 disks in reverse order', () => {
    const name = (i: number) => {
      let s = '';
      for (let k = i + 1; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
      return 'vd' + s;
    };
    const disks: D[] = Array.from({ length: 20000 }, (_, k) => ({ n: k, path: '', obj: { target: { dev: name(19999 - k) } } }));
    const order = libvirtDiskOrder(disks).map((d) => d.n);
    expect(order).toEqual(Array.from({ length: 20000 }, (_, k) => 19999 - k));
  });
});

describe('attributes past the diagnostic cap', () => {
  it('100,000 unknown attributes: the cap of diagnostics, each with its own place', () => {
    let attrs = '';
    for (let i = 0; i < 100000; i++) attrs += ` a${i}='1'`;
    const xml = `<domain type='kvm'><name>x</name><memory>1024</memory><os><type>hvm</type></os><devices><disk type='file'${attrs}><target dev='vda'/></disk></devices></domain>`;
    const r = validateXml(xml, { profile: 'rng', maxAttributes: 200_000 });
    expect(r.valid).toBe(false);
    expect(r.diagnostics.length).toBeGreaterThan(10);
    const unknown = r.diagnostics.filter((d) => d.code === 'rng-unknown-attribute');
    expect(unknown[0]!.message).toMatch(/^attribute 'a0' is not allowed on <disk>/);
    expect(unknown[1]!.path).toBe('/domain/devices/disk/@a1');
    expect(new Set(unknown.map((d) => d.column)).size).toBe(unknown.length);
    // past the default limit of attributes per element: refused as such, with its place
    expect(validateXml(xml).diagnostics[0]).toMatchObject({ code: 'xml-too-many-attributes', line: 1 });
  });
});
