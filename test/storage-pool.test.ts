/**
 * Storage pools (`<pool>`) and pool capabilities: libvirt's canonical form,
 * what libvirt keeps of a definition (storagePoolAsDefined: checked against
 * libvirt's storagepoolxml2xmlout and its 12.9 test driver, see
 * conformance/storage-kinds.test.ts), unknown content kept, errors with places.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatXml, parseXml } from '../src/kinds.js';
import {
  formatStoragePoolCapabilitiesXml,
  formatStoragePoolXml,
  parseStoragePoolCapabilitiesXml,
  parseStoragePoolXml,
  sanitizePath,
  storagePoolAsDefined,
  storagePoolSemanticDiagnostics,
  type StoragePoolDef,
} from '../src/storage/index.js';
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

const defined = (xml: string) => formatStoragePoolXml(storagePoolAsDefined(parseStoragePoolXml(xml)));

describe('<pool>: parse and format', () => {
  it("writes libvirt's order, quotes and units whatever the input's", () => {
    const xml = [
      '<pool type="iscsi">',
      '  <target><path>/dev/disk/by-path</path><permissions><group>0</group><mode>0700</mode><owner>0</owner></permissions></target>',
      '  <source><device path="demo-target"/><auth username="admin" type="chap"><secret uuid="2ec115d7-3a88-3ceb-bc12-0ac909a6fd87"/></auth><host name="iscsi.example.com" port="3260"/></source>',
      '  <capacity unit="GiB">1</capacity>',
      '  <name>virtimages</name>',
      '</pool>',
    ].join('\n');
    expect(formatStoragePoolXml(parseStoragePoolXml(xml))).toBe(
      [
        "<pool type='iscsi'>",
        '  <name>virtimages</name>',
        "  <capacity unit='bytes'>1073741824</capacity>",
        '  <source>',
        "    <host name='iscsi.example.com' port='3260'/>",
        "    <device path='demo-target'/>",
        "    <auth type='chap' username='admin'>",
        "      <secret uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'/>",
        '    </auth>',
        '  </source>',
        '  <target>',
        '    <path>/dev/disk/by-path</path>',
        '    <permissions>',
        '      <mode>0700</mode>',
        '      <owner>0</owner>',
        '      <group>0</group>',
        '    </permissions>',
        '  </target>',
        '</pool>',
        '',
      ].join('\n'),
    );
  });

  it('keeps the live sizes of pool-dumpxml, and the fs namespace extension with its declaration', () => {
    const xml = [
      "<pool type='netfs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>",
      '  <name>nfs</name>',
      "  <capacity unit='bytes'>107374182400</capacity>",
      "  <allocation unit='bytes'>0</allocation>",
      "  <available unit='bytes'>107374182400</available>",
      '  <source>',
      "    <host name='localhost'/>",
      "    <dir path='/exports'/>",
      "    <format type='nfs'/>",
      "    <protocol ver='4.1'/>",
      '  </source>',
      '  <target>',
      '    <path>/mnt</path>',
      '  </target>',
      '  <fs:mount_opts>',
      "    <fs:option name='sync'/>",
      '  </fs:mount_opts>',
      '</pool>',
      '',
    ].join('\n');
    const def = parseStoragePoolXml(xml);
    expect(def.capacity).toEqual({ unit: 'bytes', value: 107374182400 });
    expect(def.source?.protocol?.ver).toBe('4.1');
    expect(def.mountOpts?.options).toEqual([{ name: 'sync' }]);
    expect(formatStoragePoolXml(def)).toBe(xml);
    expect(formatXml(parseXml(xml))).toBe(xml);
  });

  it('an empty <source> and <target> are written with an end tag, as libvirt does', () => {
    const def: StoragePoolDef = { type: 'mpath', name: 'mp', source: {}, target: {} };
    expect(formatStoragePoolXml(def)).toBe("<pool type='mpath'>\n  <name>mp</name>\n  <source>\n  </source>\n  <target>\n  </target>\n</pool>\n");
  });

  it('keeps a pool type, a format and elements it does not know; strict refuses the word with its place', () => {
    const xml = "<pool type='ceph-next'>\n  <name>n</name>\n  <source>\n    <format type='btrfs'/>\n    <shiny a='1'/>\n  </source>\n</pool>\n";
    const def = parseStoragePoolXml(xml);
    expect(def.type).toBe('ceph-next');
    expect(formatStoragePoolXml(def)).toBe(xml);
    const e = thrown(() => parseStoragePoolXml(xml, { strict: true }));
    expect([e.code, e.line, e.column, e.path]).toEqual(['invalid-value', 1, 7, '/pool/@type']);
    expect(e.message).toContain("Invalid value for attribute 'type' in element 'pool': 'ceph-next'");
  });

  it('errors carry their place: a mode that is not octal, an owner below -1, a port above 65535', () => {
    const mode = thrown(() => parseStoragePoolXml("<pool type='dir'>\n  <target>\n    <permissions><mode>0855</mode></permissions>\n  </target>\n</pool>"));
    expect([mode.code, mode.line, mode.path]).toEqual(['invalid-value', 3, '/pool/target/permissions/mode']);
    const owner = thrown(() => parseStoragePoolXml("<pool type='dir'><target><permissions><owner>-2</owner></permissions></target></pool>"));
    expect(owner.path).toBe('/pool/target/permissions/owner');
    const port = thrown(() => parseStoragePoolXml("<pool type='rbd'><source><host name='h' port='70000'/></source></pool>"));
    expect([port.code, port.path]).toEqual(['invalid-value', '/pool/source/host/@port']);
    const missing = thrown(() => parseStoragePoolXml('<pool><name>x</name></pool>'));
    expect([missing.code, missing.line, missing.column]).toEqual(['missing-attribute', 1, 1]);
  });

  it("reads an owner as libvirt 12.9 does (asked): 0744 is 744, ' +5' is 5; ' 5 ', '5.', '0x10', -2 and 4294967296 are refused", () => {
    const owner = (v: string) => parseStoragePoolXml(`<pool type='dir'><target><path>/p</path><permissions><mode>0</mode><owner>${v}</owner></permissions></target></pool>`).target?.permissions?.owner;
    expect([owner('0744'), owner(' +5'), owner('-1'), owner('4294967295')]).toEqual([744, 5, -1, 4294967295]);
    for (const bad of [' 5 ', '5.', '0x10', '-2', '4294967296']) expect(thrown(() => owner(bad)).path, bad).toBe('/pool/target/permissions/owner');
    const def = parseStoragePoolXml("<pool type='dir'><target><path>/p</path><permissions><mode>0</mode><owner>0744</owner></permissions></target></pool>");
    expect(formatStoragePoolXml(def)).toContain('<mode>00</mode>\n      <owner>744</owner>');
  });
});

describe('storagePoolAsDefined: what libvirt keeps of a definition', () => {
  it('sizes zero, the source written even when absent, unset owner and group dropped, the target path sanitized', () => {
    const out = defined("<pool type='dir'><name>d</name><capacity>5</capacity><target><path>///var/////lib//</path><permissions><mode>0755</mode><owner>-1</owner><group>4294967295</group></permissions></target></pool>");
    expect(out).toBe(
      [
        "<pool type='dir'>",
        '  <name>d</name>',
        "  <capacity unit='bytes'>0</capacity>",
        "  <allocation unit='bytes'>0</allocation>",
        "  <available unit='bytes'>0</available>",
        '  <source>',
        '  </source>',
        '  <target>',
        '    <path>/var/lib</path>',
        '    <permissions>',
        '      <mode>0755</mode>',
        '    </permissions>',
        '  </target>',
        '</pool>',
        '',
      ].join('\n'),
    );
  });

  it("a logical pool: name from the source's, its format lvm2, its target /dev/<volume group>", () => {
    const def = storagePoolAsDefined(parseStoragePoolXml("<pool type='logical'><source><name>HostVG</name></source><target><path>/elsewhere</path></target></pool>"));
    expect(def.name).toBe('HostVG');
    expect(def.source).toEqual({ name: 'HostVG', format: { type: 'lvm2' } });
    expect(def.target?.path).toBe('/dev/HostVG');
  });

  it('only the source children the pool type uses; a gluster pool gets dir /, a scsi_host adapter its type; no target for network pools', () => {
    const disk = storagePoolAsDefined(
      parseStoragePoolXml("<pool type='disk'><name>p</name><source><host name='h'/><device path='/dev/sda'><freeExtent start='1' end='2'/></device><dir path='/d'/><vendor name='v'/></source><target><path>/dev</path></target></pool>"),
    );
    expect(disk.source).toEqual({ devices: [{ path: '/dev/sda' }], format: { type: 'unknown' }, vendor: { name: 'v' } });
    const gluster = storagePoolAsDefined(parseStoragePoolXml("<pool type='gluster'><name>g</name><source><host name='h'/><name>vol</name></source><target><path>/x</path></target></pool>"));
    expect(gluster.source?.dir).toEqual({ path: '/' });
    expect(gluster.target).toBeUndefined();
    const scsi = storagePoolAsDefined(parseStoragePoolXml("<pool type='scsi'><name>s</name><source><adapter name='host0'/></source><target><path>/dev</path></target></pool>"));
    expect(scsi.source?.adapter).toEqual({ type: 'scsi_host', name: 'host0' });
  });

  it.skipIf(!existsSync(CORPUS))('gives storagepoolxml2xmlout for the corpus inputs (a sample; all of them in the conformance run)', () => {
    for (const f of ['pool-logical-create.xml', 'pool-netfs-slash.xml', 'pool-rbd-ns-configopts.xml', 'pool-zfs.xml', 'pool-scsi.xml']) {
      expect(defined(corpus('storagepoolxml2xmlin', f)), f).toBe(corpus('storagepoolxml2xmlout', f));
    }
  });
});

describe('sanitizePath (virFileSanitizePath)', () => {
  it.each([
    ['///var/////lib/libvirt/images//', '/var/lib/libvirt/images'],
    ['//net/share', '//net/share'],
    ['/', '/'],
    ['volume', 'volume'],
    ['/a/../b/', '/a/../b'],
  ])('%s → %s', (a, b) => expect(sanitizePath(a)).toBe(b));
});

describe('<storagepoolCapabilities>', () => {
  it('writes <pool> and <enum> with an end tag even when empty', () => {
    const xml = [
      '<storagepoolCapabilities>',
      "  <pool type='iscsi' supported='no'>",
      '  </pool>',
      "  <pool type='rbd' supported='yes'>",
      '    <volOptions>',
      "      <defaultFormat type='raw'/>",
      "      <enum name='targetFormatType'>",
      '      </enum>',
      '    </volOptions>',
      '  </pool>',
      '</storagepoolCapabilities>',
      '',
    ].join('\n');
    const def = parseStoragePoolCapabilitiesXml(xml);
    expect(def.pools?.map((p) => [p.type, p.supported])).toEqual([
      ['iscsi', false],
      ['rbd', true],
    ]);
    expect(formatStoragePoolCapabilitiesXml(def)).toBe(xml);
    expect(formatStoragePoolCapabilitiesXml({})).toBe('<storagepoolCapabilities>\n</storagepoolCapabilities>\n');
  });
});

describe('validation of pools', () => {
  it.skipIf(!existsSync(CORPUS))("the rng profile refuses storagepoolschemadata's dir pool without a target path, with its place", () => {
    const r = validateXml(corpus('storagepoolschemadata', 'dir-missing-target-path-invalid.xml'), { profile: 'rng' });
    expect(r.kind).toBe('pool');
    expect(r.valid).toBe(false);
    expect(r.diagnostics[0]?.line).toBeGreaterThan(0);
  });

  it('a valid pool has no diagnostics in any profile', () => {
    const r = validateXml("<pool type='dir'>\n  <name>d</name>\n  <target>\n    <path>/var/lib/libvirt/images</path>\n  </target>\n</pool>\n");
    expect(r.diagnostics).toEqual([]);
  });
});

describe("the libvirt profile: libvirt's define-time rules of pools (messages of libvirt 12.9's parser)", () => {
  // most of these the rng layer of the profile refuses first (storagepool.rng knows each type's needs): the rules on their own
  const first = (xml: string) => storagePoolSemanticDiagnostics(parseStoragePoolXml(xml, { keepOrigins: true }), { profile: 'libvirt' }).map((d) => [d.code, d.message, d.line, d.path]);
  it.each([
    ["<pool type='dir'>\n  <name>a</name>\n  <target/>\n</pool>", 'libvirt-pool-target', 'XML error: missing storage pool target path', 3, '/pool/target'],
    ["<pool type='netfs'>\n  <name>a</name>\n  <source>\n    <dir path='/x'/>\n  </source>\n  <target><path>/m</path></target>\n</pool>", 'libvirt-pool-source', 'XML error: missing storage pool source host name', 3, '/pool/source'],
    ["<pool type='fs'><name>a</name><source/><target><path>/m</path></target></pool>", 'libvirt-pool-source', 'XML error: missing storage pool source device name', 1, '/pool/source'],
    ["<pool type='dir'><target><path>/m</path></target></pool>", 'libvirt-pool-name', 'XML error: missing pool source name element', 1, '/pool'],
    ["<pool type='scsi'><name>a</name><source><adapter type='scsi_host'/></source><target><path>/m</path></target></pool>", 'libvirt-pool-adapter', "XML error: Either 'name' or 'parent' must be specified for the 'scsi_host' adapter", 1, '/pool/source/adapter'],
    ["<pool type='disk'><name>a</name><features><cow state='yes'/></features><source><device path='/dev/sda'/></source><target><path>/dev</path></target></pool>", 'libvirt-pool-feature', "this function is not supported by the connection driver: cow feature may only be used for 'fs' and 'dir' pools", 1, '/pool/features'],
  ])('%s', (xml, code, message, line, path) => {
    expect(first(xml)).toEqual([[code, message, line, path]]);
  });

  it('through validateXml: a cow feature on a disk pool, which the schema allows', () => {
    const r = validateXml("<pool type='disk'>\n  <name>a</name>\n  <features>\n    <cow state='yes'/>\n  </features>\n  <source>\n    <device path='/dev/sda'/>\n  </source>\n  <target>\n    <path>/dev</path>\n  </target>\n</pool>\n", { profile: 'libvirt' });
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column, d.path])).toEqual([['libvirt-pool-feature', 3, 3, '/pool/features']]);
  });

  it('several problems are all reported, in the order libvirt meets them', () => {
    expect(first("<pool type='rbd'><source/></pool>").map((d) => d[1])).toEqual([
      "XML error: element 'name' is mandatory for RBD pool",
      'XML error: missing pool source name element',
      'XML error: missing storage pool source host name',
    ]);
  });
});

describe('pool namespaces', () => {
  it("a def built with <fs:mount_opts> but no declaration gets libvirt's xmlns:fs", () => {
    const def: StoragePoolDef = { type: 'netfs', name: 'n', mountOpts: { options: [{ name: 'sync' }] } };
    expect(formatStoragePoolXml(def)).toBe(
      "<pool type='netfs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>\n  <name>n</name>\n  <fs:mount_opts>\n    <fs:option name='sync'/>\n  </fs:mount_opts>\n</pool>\n",
    );
    expect(def.xmlnsFs).toBeUndefined();
  });

  it('libvirt keeps the options of its own pool type only, and no declaration without options', () => {
    const rbdOnNetfs = storagePoolAsDefined({ type: 'netfs', name: 'n', xmlnsRbd: 'http://libvirt.org/schemas/storagepool/rbd/1.0', configOpts: { options: [{ name: 'a', value: 'b' }] } });
    expect([rbdOnNetfs.configOpts, rbdOnNetfs.xmlnsRbd]).toEqual([undefined, undefined]);
    const empty = storagePoolAsDefined({ type: 'fs', name: 'f', xmlnsFs: 'http://libvirt.org/schemas/storagepool/fs/1.0', mountOpts: {} });
    expect([empty.mountOpts, empty.xmlnsFs]).toEqual([undefined, undefined]);
  });
});
