/**
 * `<domainsnapshot>` (src/blockjobs/snapshot.ts): what libvirt's
 * virDomainSnapshotDefParse reads and virDomainSnapshotDefFormatInternal
 * writes (checked against libvirt 12.9: redefined, then snapshot-dumpxml),
 * lossless otherwise, and its errors with their places.
 */
import { describe, expect, it } from 'vitest';
import { formatDomainSnapshotXml, momentDomainDef, parseDomainSnapshotXml, snapshotDefAsCreated, type DomainSnapshotDef } from '../src/blockjobs/index.js';
import { formatDomainXml } from '../src/domain/index.js';
import { formatXml, parseXml } from '../src/kinds.js';
import { validateXml } from '../src/validate/index.js';
import { VirtXmlError } from '../src/xml/errors.js';

const rt = (xml: string) => formatDomainSnapshotXml(parseDomainSnapshotXml(xml));

describe('<domainsnapshot>', () => {
  it("writes libvirt's order and forms: driver before source, max_size in bytes, no source index, revertDisks after disks", () => {
    const input = `<domainsnapshot>
  <cookie><cpu mode='custom'/></cookie>
  <active>1</active>
  <creationTime>12</creationTime>
  <state>running</state>
  <name>s1</name>
  <revertDisks>
    <disk name='vda' snapshot='external' type='file'>
      <source file='/a/c'/>
    </disk>
  </revertDisks>
  <disks>
    <disk name='vda' snapshot='external' type='file'>
      <snapshotDeleteInProgress/>
      <source file='/a/b' index='3'><seclabel model='dac' relabel='no'/></source>
      <driver type='qcow2'><metadata_cache><max_size unit='KiB'>4</max_size></metadata_cache></driver>
    </disk>
  </disks>
  <parent><name>p</name></parent>
</domainsnapshot>`;
    // as libvirt 12.9 writes it back (its test driver has no save cookie: the cookie is kept as read)
    expect(rt(input)).toBe(`<domainsnapshot>
  <name>s1</name>
  <state>running</state>
  <parent>
    <name>p</name>
  </parent>
  <creationTime>12</creationTime>
  <disks>
    <disk name='vda' snapshot='external' type='file'>
      <snapshotDeleteInProgress/>
      <driver type='qcow2'>
        <metadata_cache>
          <max_size unit='bytes'>4096</max_size>
        </metadata_cache>
      </driver>
      <source file='/a/b'>
        <seclabel model='dac' relabel='no'/>
      </source>
    </disk>
  </disks>
  <revertDisks>
    <disk name='vda' snapshot='external' type='file'>
      <source file='/a/c'/>
    </disk>
  </revertDisks>
  <cookie>
    <cpu mode='custom'/>
  </cookie>
  <active>1</active>
</domainsnapshot>
`);
  });

  it('reads a disk as libvirt does: a new image makes it external, type and image written only with a path or a format', () => {
    const def = parseDomainSnapshotXml(`<domainsnapshot>
  <disks>
    <disk name='vda'><source file='/tmp/foo'/><driver/></disk>
    <disk name='vdb' snapshot='external'><source/><driver type='qed'/></disk>
    <disk name='vdc' snapshot='internal'/>
    <disk name='vdd' type='block'><source dev='/dev/x'/></disk>
    <disk name='vde' snapshot='external' type='network'><source protocol='rbd' name='pool/img'><host name='h' port='6789'/></source></disk>
  </disks>
  <memory file='/var/m'/>
</domainsnapshot>`);
    expect(def.disks?.disks?.[0]).toMatchObject({ name: 'vda', snapshot: 'external', type: 'file' });
    expect(formatDomainSnapshotXml(def)).toBe(`<domainsnapshot>
  <memory snapshot='external' file='/var/m'/>
  <disks>
    <disk name='vda' snapshot='external' type='file'>
      <source file='/tmp/foo'/>
    </disk>
    <disk name='vdb' snapshot='external' type='file'>
      <driver type='qed'/>
    </disk>
    <disk name='vdc' snapshot='internal'/>
    <disk name='vdd' snapshot='external' type='block'>
      <source dev='/dev/x'/>
    </disk>
    <disk name='vde' snapshot='external' type='network'>
      <source protocol='rbd' name='pool/img'>
        <host name='h' port='6789'/>
      </source>
    </disk>
  </disks>
</domainsnapshot>
`);
  });

  it('leaves out what says nothing: <memory/>, <disks/>, <parent/>', () => {
    expect(rt(`<domainsnapshot><name>a</name><memory/><disks/><parent/></domainsnapshot>`)).toBe(`<domainsnapshot>\n  <name>a</name>\n</domainsnapshot>\n`);
  });

  it("keeps the old <domain><uuid/></domain> form, and writes a full domain inactive", () => {
    expect(rt(`<domainsnapshot>\n  <name>a</name>\n  <domain>\n    <uuid>9d37b878-a7cc-9f9a-b78f-49b3abad25a8</uuid>\n  </domain>\n</domainsnapshot>\n`)).toBe(
      `<domainsnapshot>\n  <name>a</name>\n  <domain>\n    <uuid>9d37b878-a7cc-9f9a-b78f-49b3abad25a8</uuid>\n  </domain>\n</domainsnapshot>\n`,
    );
    const full = parseDomainSnapshotXml(`<domainsnapshot><name>a</name><domain type='kvm' id='7'><name>vm</name><memory>1024</memory><os><type>hvm</type></os></domain></domainsnapshot>`);
    expect(full.domain?.type).toBe('kvm');
    // the full definition is a DomainDef; the old form has none
    const dom = momentDomainDef(full.domain);
    expect(dom && formatDomainXml(dom, { inactive: true })).toBe(`<domain type='kvm'>\n  <name>vm</name>\n  <memory unit='KiB'>1024</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n</domain>\n`);
    expect(momentDomainDef({ uuid: '9d37b878-a7cc-9f9a-b78f-49b3abad25a8' })).toBeUndefined();
    const out = formatDomainSnapshotXml(full);
    expect(out).toContain("  <domain type='kvm'>\n    <name>vm</name>\n    <memory unit='KiB'>1024</memory>");
    expect(out).not.toContain("id='7'");
    // the registry's generic functions write the same
    expect(formatXml(parseXml(out))).toBe(out);
  });

  it('keeps words and content it does not know, and refuses them when strict', () => {
    const xml = `<domainsnapshot>\n  <name>a</name>\n  <state>frozen</state>\n  <future x='1'/>\n  <disks>\n    <disk name='vda' snapshot='external' type='nvme'>\n      <source type='pci'/>\n    </disk>\n  </disks>\n</domainsnapshot>\n`;
    expect(rt(xml)).toBe(xml);
    expect(() => parseDomainSnapshotXml(xml, { strict: true })).toThrow(/Invalid value for element 'state': 'frozen'/);
  });

  it("gives libvirt's refusals with their places", () => {
    const at = (xml: string) => {
      try {
        parseDomainSnapshotXml(xml);
      } catch (e) {
        if (e instanceof VirtXmlError) return `${e.line}:${e.column} ${e.path} ${e.detail}`;
        throw e;
      }
      return 'accepted';
    };
    expect(at(`<domainsnapshot>\n  <disks>\n    <disk name='vda'>\n      <source file='rel/path'/>\n    </disk>\n  </disks>\n</domainsnapshot>`)).toBe(
      "4:7 /domainsnapshot/disks/disk/source disk snapshot image path 'rel/path' must be absolute",
    );
    expect(at(`<domainsnapshot>\n  <memory snapshot='internal' file='/m'/>\n</domainsnapshot>`)).toBe(
      "2:31 /domainsnapshot/memory/@file memory filename '/m' requires external snapshot",
    );
    expect(at(`<domainsnapshot><memory snapshot='external'/></domainsnapshot>`)).toMatch(/external memory snapshots require a filename/);
    expect(at(`<domainsnapshot><memory file='m'/></domainsnapshot>`)).toMatch(/memory snapshot file path 'm' must be absolute/);
  });

  it('snapshotDefAsCreated keeps what snapshot-create (without --redefine) reads', () => {
    const def: DomainSnapshotDef = parseDomainSnapshotXml(
      `<domainsnapshot><name>a</name><description>d</description><state>running</state><parent><name>p</name></parent><creationTime>5</creationTime><memory snapshot='no'/><domain><uuid>9d37b878-a7cc-9f9a-b78f-49b3abad25a8</uuid></domain><active>1</active></domainsnapshot>`,
    );
    expect(snapshotDefAsCreated(def)).toEqual({ name: 'a', description: 'd', memory: { snapshot: 'no' } });
    expect(def.state).toBe('running');
  });

  it("is validated with libvirt's schema of each release", () => {
    expect(validateXml(`<domainsnapshot><name>a</name><memory snapshot='manual'/></domainsnapshot>`, { profile: 'rng' }).valid).toBe(false);
    expect(validateXml(`<domainsnapshot><name>a</name><memory snapshot='no'/></domainsnapshot>`, { profile: 'rng' }).valid).toBe(true);
    const revert = `<domainsnapshot><name>a</name><revertDisks/></domainsnapshot>`;
    expect(validateXml(revert, { profile: 'rng', libvirt: '12.9' }).valid).toBe(true);
    expect(validateXml(revert, { profile: 'rng', libvirt: '9.0' }).valid).toBe(false);
  });
});
