/**
 * The compiled grammars in src/validate/rng/grammars.generated.ts (and the
 * `since` table) are what scripts/gen-rng.mjs makes of each release's schemas
 * (regenerate with `npm run gen:rng`), and the validator's building blocks
 * behave.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datatype, xsdRegExp, XSD_LIBRARY } from '../src/validate/rng/datatypes.js';
import { validateXml } from '../src/validate/index.js';
// @ts-expect-error plain JS build script
import { RELEASES, schemaDir } from '../scripts/gen-rng.mjs';
import { minimalDomain } from './helpers/domain.js';

const missing = (RELEASES as string[]).filter((r) => !existsSync(join(schemaDir(r) as string, 'domain.rng')));

describe.skipIf(missing.length > 0)('generated grammars', () => {
  it('are in sync with the schemas of every release (npm run gen:rng)', async () => {
    // @ts-expect-error plain JS build script
    const { generateAll } = await import('../scripts/gen-rng.mjs');
    for (const [file, text] of generateAll() as Map<string, string>) expect(text, file).toBe(readFileSync(file, 'utf8'));
  });
});
if (missing.length) console.warn(`libvirt schemas of ${missing.join(', ')} not found (npm run update-libvirt -- VERSION): grammar sync check skipped`);

describe('XSD datatypes', () => {
  it('anchors patterns and treats ^ and $ as literals', () => {
    expect(xsdRegExp('[0-9]+').test('12')).toBe(true);
    expect(xsdRegExp('[0-9]+').test('12a')).toBe(false);
    expect(xsdRegExp('\\^[0-9]+').test('^3')).toBe(true);
    expect(xsdRegExp('$[a-z]+').test('$ab')).toBe(true);
    expect(xsdRegExp('[^/]+').test('a/b')).toBe(false);
  });
  it('checks integer widths and ranges after collapsing whitespace', () => {
    const u8 = datatype(XSD_LIBRARY, 'unsignedInt', [['maxInclusive', '255']]);
    expect(u8.allows(' 255 ')).toBe(true);
    expect(u8.allows('256')).toBe(false);
    expect(u8.allows('-1')).toBe(false);
    expect(datatype(XSD_LIBRARY, 'unsignedLong').allows('18446744073709551615')).toBe(true);
    expect(datatype(XSD_LIBRARY, 'unsignedLong').allows('18446744073709551616')).toBe(false);
    expect(datatype(XSD_LIBRARY, 'int').allows('2147483648')).toBe(false);
    expect(datatype(XSD_LIBRARY, 'positiveInteger').allows('0')).toBe(false);
    expect(datatype(XSD_LIBRARY, 'double').allows('1.5e3')).toBe(true);
    expect(datatype(XSD_LIBRARY, 'double').allows('1.5x')).toBe(false);
  });
  it('keeps string whitespace (pattern on the raw value)', () => {
    const s = datatype(XSD_LIBRARY, 'string', [['pattern', '[a-z]+']]);
    expect(s.allows('abc')).toBe(true);
    expect(s.allows(' abc')).toBe(false);
  });
});

const domain = (devices: string, extra = '') => minimalDomain(devices, extra, 'pc');

describe('rng profile: places', () => {
  it('points at the attribute with the bad value, not at <devices>', () => {
    const xml = domain(`    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio' group='auto'/>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x2'/>
      </source>
    </hostdev>`);
    const rng = validateXml(xml, { profile: 'rng' });
    expect(rng.valid).toBe(false);
    expect(rng.diagnostics).toHaveLength(1);
    expect(rng.diagnostics[0]).toMatchObject({
      code: 'rng-unknown-attribute',
      line: 9,
      column: 27,
      path: '/domain/devices/hostdev/driver/@group',
      source: 'rng',
    });
    // the default profile accepts virtxml's extension
    expect(validateXml(xml).diagnostics.filter((d) => d.source === 'rng')).toEqual([]);
    expect(validateXml(xml.replace("group='auto'", "group='manual'")).diagnostics[0]).toMatchObject({
      code: 'rng-invalid-value',
      line: 9,
      column: 27,
    });
  });
  it('names an unknown element, a missing attribute, bad text, and keeps going', () => {
    const xml = domain(`    <disk type='file' device='disk'>
      <target bus='virtio'/>
      <bogus/>
    </disk>
    <memballoon model='virtio'/>`, `\n  <vcpu>many</vcpu>`);
    const r = validateXml(xml, { profile: 'rng' });
    const seen = r.diagnostics.map((d) => [d.code, d.line, d.column, d.path]);
    expect(seen).toEqual([
      ['rng-invalid-value', 4, 3, '/domain/vcpu'],
      ['rng-missing-attribute', 10, 7, '/domain/devices/disk/target'],
      ['rng-unknown-element', 11, 7, '/domain/devices/disk/bogus'],
    ]);
    expect(r.diagnostics[1]!.message).toContain("'dev'");
  });
  it('checks a device snippet against its kind', () => {
    expect(validateXml(`<interface type='network'><source network='default'/></interface>`, { kind: 'interface', profile: 'rng' }).valid).toBe(true);
    const bad = validateXml(`<interface type='netwrk'><source network='default'/></interface>`, { kind: 'interface', profile: 'rng' });
    expect(bad.diagnostics[0]).toMatchObject({ code: 'rng-invalid-value', line: 1, column: 12, path: '/interface/@type' });
  });
  it('keeps foreign-namespace metadata free and checks qemu:commandline', () => {
    const meta = domain('', `\n  <metadata>\n    <app:x xmlns:app='urn:app' app:k='v'><app:y>t</app:y></app:x>\n  </metadata>`);
    expect(validateXml(meta, { profile: 'rng' }).valid).toBe(true);
    const qemu = domain('').replace("<domain type='kvm'>", "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>")
      .replace('</domain>', "  <qemu:commandline>\n    <qemu:arg value='-s'/>\n    <qemu:bogus/>\n  </qemu:commandline>\n</domain>");
    const r = validateXml(qemu, { profile: 'rng' });
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([['rng-unknown-element', '/domain/qemu:commandline/qemu:bogus']]);
  });
});
