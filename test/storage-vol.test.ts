/**
 * Storage volumes (`<volume>`): libvirt's canonical form (orders asked of
 * libvirt 12.9), what libvirt keeps of a volume it creates
 * (storageVolAsDefined, checked against storagevolxml2xmlout and 12.9's test
 * driver in conformance/storage-kinds.test.ts), unknown content kept,
 * errors with places.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatXml, parseXml } from '../src/kinds.js';
import { formatStorageVolXml, parseStorageVolXml, storageVolAsDefined, type StorageVolDef } from '../src/storage/index.js';
import { validateXml } from '../src/validate/index.js';
import { VirtXmlError } from '../src/xml/errors.js';

const CORPUS = process.env.VIRTXML_CORPUS ?? join(__dirname, '..', '..', 'shared', 'libvirt-corpus');
const corpus = (dir: string, f: string) => readFileSync(join(CORPUS, 'tests', dir, f), 'utf8');

function thrown(fn: () => unknown): VirtXmlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VirtXmlError) return e;
    throw e;
  }
  throw new Error('expected a VirtXmlError');
}

/** What libvirt 12.9 printed for this volume (oracle-roundtrip.py, its test driver), with the sizes it was given. */
const LIVE = [
  "<volume type='file'>",
  '  <name>t1.img</name>',
  '  <key>/oracle-vols/t1.img</key>',
  "  <capacity unit='bytes'>5368709120</capacity>",
  "  <allocation unit='bytes'>5368709120</allocation>",
  '  <target>',
  '    <path>/oracle-vols/t1.img</path>',
  "    <format type='qcow2'/>",
  '    <permissions>',
  '      <mode>0755</mode>',
  '      <group>5</group>',
  '      <label>l</label>',
  '    </permissions>',
  "    <encryption format='luks' engine='qemu'>",
  "      <secret type='passphrase' usage='u'/>",
  '    </encryption>',
  '    <compat>1.1</compat>',
  "    <clusterSize unit='B'>65536</clusterSize>",
  '    <features>',
  '      <lazy_refcounts/>',
  '      <extended_l2/>',
  '    </features>',
  '  </target>',
  '  <backingStore>',
  '    <path>/dev/null</path>',
  "    <format type='qcow2'/>",
  '  </backingStore>',
  '</volume>',
  '',
].join('\n');

describe('<volume>: parse and format', () => {
  it("libvirt 12.9's output of every target child is a fixed point", () => {
    expect(formatStorageVolXml(parseStorageVolXml(LIVE))).toBe(LIVE);
    expect(formatXml(parseXml(LIVE))).toBe(LIVE);
  });

  it("writes the target's children in libvirt's order, sizes in bytes, a cluster size with unit='B'", () => {
    const scrambled = [
      '<volume>',
      '  <target>',
      "    <features><extended_l2/><lazy_refcounts/></features>",
      "    <clusterSize unit='KiB'>64</clusterSize>",
      '    <compat>1.1</compat>',
      "    <encryption format='luks' engine='qemu'><secret type='passphrase' usage='u'/></encryption>",
      "    <permissions><label>l</label><group>5</group><mode>0755</mode></permissions>",
      "    <format type='qcow2'/>",
      '    <path>/oracle-vols/t1.img</path>',
      '  </target>',
      "  <allocation unit='GB'>5</allocation>",
      "  <capacity unit='GiB'>5</capacity>",
      "  <backingStore><format type='qcow2'/><path>/dev/null</path></backingStore>",
      '  <key>/oracle-vols/t1.img</key>',
      '  <name>t1.img</name>',
      '</volume>',
    ].join('\n');
    const def = parseStorageVolXml(scrambled);
    expect(def.allocation).toEqual({ unit: 'bytes', value: 5_000_000_000 });
    expect(def.target?.clusterSize).toEqual({ unit: 'B', value: 65536 });
    const want = LIVE.replace("<volume type='file'>", '<volume>').replace("<allocation unit='bytes'>5368709120", "<allocation unit='bytes'>5000000000");
    expect(formatStorageVolXml(def)).toBe(want);
  });

  it('keeps the live data: extents, physical size, timestamps, and <nocow/> (libvirt reads it, never writes it)', () => {
    const xml = [
      "<volume type='block'>",
      '  <name>Swap</name>',
      '  <source>',
      "    <device path='/dev/sda2'>",
      "      <extent start='31440502784' end='33520877568'/>",
      '    </device>',
      '  </source>',
      "  <capacity unit='bytes'>2080374784</capacity>",
      "  <physical unit='bytes'>2080374784</physical>",
      '  <target>',
      '    <path>/dev/HostVG/Swap</path>',
      '    <timestamps>',
      '      <atime>1341933637.273190990</atime>',
      '      <mtime>1341930622</mtime>',
      '    </timestamps>',
      '    <nocow/>',
      '  </target>',
      '</volume>',
      '',
    ].join('\n');
    const def = parseStorageVolXml(xml);
    expect(def.source?.devices?.[0]?.extents).toEqual([{ start: 31440502784, end: 33520877568 }]);
    expect(def.target?.timestamps).toEqual({ atime: '1341933637.273190990', mtime: '1341930622' });
    expect(def.target?.nocow).toBe(true);
    expect(formatStorageVolXml(def)).toBe(xml);
  });

  it('an empty <source> is left out, as libvirt 9.0 and 12.9 do', () => {
    expect(formatStorageVolXml(parseStorageVolXml('<volume><name>v</name><source>\n</source></volume>'))).toBe('<volume>\n  <name>v</name>\n</volume>\n');
  });

  it('keeps a format and an element it does not know; strict refuses the word with its place', () => {
    const xml = "<volume type='file'>\n  <name>v</name>\n  <target>\n    <format type='qcow3'/>\n    <sparkle/>\n  </target>\n</volume>\n";
    expect(formatStorageVolXml(parseStorageVolXml(xml))).toBe(xml);
    const e = thrown(() => parseStorageVolXml(xml, { strict: true }));
    expect([e.code, e.line, e.path]).toEqual(['invalid-value', 4, '/volume/target/format/@type']);
  });

  it('errors carry their place: a bad unit, a bad timestamp, a missing name', () => {
    const unit = thrown(() => parseStorageVolXml("<volume>\n  <name>v</name>\n  <capacity unit='parsec'>1</capacity>\n</volume>"));
    expect([unit.code, unit.line, unit.path]).toEqual(['invalid-value', 3, '/volume/capacity/@unit']);
    const ts = thrown(() => parseStorageVolXml('<volume><name>v</name><target><timestamps><atime>yesterday</atime></timestamps></target></volume>'));
    expect(ts.path).toBe('/volume/target/timestamps/atime');
    const name = thrown(() => parseStorageVolXml('<volume>\n  <key>k</key>\n</volume>'));
    expect([name.code, name.line, name.column]).toEqual(['missing-element', 1, 1]);
  });
});

describe('storageVolAsDefined: what libvirt keeps of a volume it creates', () => {
  const vol = (xml: string, o?: Parameters<typeof storageVolAsDefined>[1]) => formatStorageVolXml(storageVolAsDefined(parseStorageVolXml(xml), o));

  it("type file, the allocation the capacity's, the pool's default format, no live data, unset ids dropped", () => {
    const xml = "<volume><name>v</name><source><device path='/d'/></source><capacity unit='KiB'>1</capacity><physical>9</physical><target><path>/p</path><permissions><owner>-1</owner><group>4294967295</group></permissions><timestamps><atime>1</atime></timestamps><nocow/></target></volume>";
    expect(vol(xml)).toBe(
      [
        "<volume type='file'>",
        '  <name>v</name>',
        "  <capacity unit='bytes'>1024</capacity>",
        "  <allocation unit='bytes'>1024</allocation>",
        '  <target>',
        '    <path>/p</path>',
        "    <format type='raw'/>",
        '  </target>',
        '</volume>',
        '',
      ].join('\n'),
    );
    expect(vol(xml, { poolType: 'disk' })).toContain("<format type='none'/>");
    expect(vol(xml, { poolType: 'logical' })).not.toContain('<format');
  });

  it("refuses a volume without capacity as libvirt does, unless asked (VIR_VOL_XML_PARSE_NO_CAPACITY)", () => {
    const xml = '<volume><name>v</name><target><path>/p</path></target></volume>';
    const e = thrown(() => vol(xml));
    expect([e.code, e.detail, e.path]).toEqual(['missing-element', 'XML error: missing capacity element', '/volume']);
    expect(vol(xml, { noCapacity: true })).toContain("<capacity unit='bytes'>0</capacity>\n  <allocation unit='bytes'>0</allocation>");
  });

  it.skipIf(!existsSync(CORPUS))('gives storagevolxml2xmlout for the corpus inputs (a sample; all of them in the conformance run)', () => {
    expect(vol(corpus('storagevolxml2xmlin', 'vol-file-backing.xml'))).toBe(corpus('storagevolxml2xmlout', 'vol-file-backing.xml'));
    expect(vol(corpus('storagevolxml2xmlin', 'vol-logical-backing.xml'), { poolType: 'logical' })).toBe(corpus('storagevolxml2xmlout', 'vol-logical-backing.xml'));
    expect(vol(corpus('storagevolxml2xmlin', 'vol-gluster-dir-neg-uid.xml'), { poolType: 'gluster' })).toBe(corpus('storagevolxml2xmlout', 'vol-gluster-dir-neg-uid.xml'));
  });
});

describe('validation of volumes', () => {
  it('the rng profile refuses a volume without <target>, with its place; a full one is valid', () => {
    const r = validateXml('<volume>\n  <name>v</name>\n</volume>\n', { profile: 'rng' });
    expect(r.kind).toBe('volume');
    expect(r.valid).toBe(false);
    expect(r.diagnostics[0]?.line).toBe(1);
    const def: StorageVolDef = { type: 'file', name: 'v', capacity: { unit: 'bytes', value: 1 }, target: { path: '/v', format: { type: 'raw' } } };
    expect(validateXml(formatStorageVolXml(def)).diagnostics).toEqual([]);
  });
});

describe("the libvirt profile: a volume's capacity", () => {
  it('is required, as libvirt 12.9 says when creating one', () => {
    const r = validateXml("<volume>\n  <name>v</name>\n  <target/>\n</volume>\n", { profile: 'libvirt' });
    expect(r.diagnostics.map((d) => [d.code, d.message, d.line, d.path])).toEqual([['libvirt-vol-capacity', 'XML error: missing capacity element', 1, '/volume']]);
  });
});
