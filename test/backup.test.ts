/**
 * `<domainbackup>` (src/blockjobs/backup.ts, align.ts): push and pull jobs
 * as libvirt's virDomainBackupDefParse reads them and
 * virDomainBackupDefFormat writes them, and virDomainBackupAlignDisks.
 */
import { describe, expect, it } from 'vitest';
import { alignBackupDisks, formatDomainBackupXml, parseDomainBackupXml, type DomainBackupDef } from '../src/blockjobs/index.js';
import { parseDomainXml } from '../src/domain/index.js';
import { validateXml } from '../src/validate/index.js';
import { VirtXmlError } from '../src/xml/errors.js';

const rt = (xml: string) => formatDomainBackupXml(parseDomainBackupXml(xml));

const domain = parseDomainXml(`<domain type='kvm'>
  <name>vm</name>
  <memory>1024</memory>
  <os><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='/img/vda.qcow2'/><target dev='vda'/></disk>
    <disk type='block' device='disk'><source dev='/dev/sdb'/><target dev='vdb'/></disk>
    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>
    <disk type='file' device='disk'><source file='/img/ro.img'/><target dev='vdc'/><readonly/></disk>
  </devices>
</domain>`);

describe('<domainbackup>', () => {
  it('push (the default mode, written): a disk left out says nothing else, a backed-up one its type', () => {
    expect(
      rt(`<domainbackup>
  <disks>
    <disk name='vda'/>
    <disk name='vdb' backup='no' type='block' backupmode='full'><driver type='raw'/></disk>
    <disk name='vdc' type='block' backupmode='full'><driver type='raw'/><target dev='/dev/b'/></disk>
  </disks>
</domainbackup>`),
    ).toBe(`<domainbackup mode='push'>
  <disks>
    <disk name='vda' backup='yes' type='file'/>
    <disk name='vdb' backup='no'/>
    <disk name='vdc' backup='yes' type='block' backupmode='full'>
      <driver type='raw'/>
      <target dev='/dev/b'/>
    </disk>
  </disks>
</domainbackup>
`);
  });

  it('pull: the server with its transport (tcp when absent), exports, a qcow2 scratch image', () => {
    expect(
      rt(`<domainbackup mode="pull">
  <server name='localhost' port='10809' tls='yes'/>
  <disks>
    <disk name='vda' exportbitmap='b' exportname='e'><scratch file='/s'/><driver type='qcow2'/></disk>
  </disks>
</domainbackup>`),
    ).toBe(`<domainbackup mode='pull'>
  <server transport='tcp' tls='yes' name='localhost' port='10809'/>
  <disks>
    <disk name='vda' backup='yes' type='file' exportname='e' exportbitmap='b'>
      <driver type='qcow2'/>
      <scratch file='/s'/>
    </disk>
  </disks>
</domainbackup>
`);
  });

  it("gives libvirt's refusals with their places", () => {
    const err = (xml: string) => {
      try {
        parseDomainBackupXml(xml);
      } catch (e) {
        if (e instanceof VirtXmlError) return `${e.line}:${e.column} ${e.path} ${e.detail}`;
        throw e;
      }
      return 'accepted';
    };
    expect(err(`<domainbackup mode='pull'>\n  <disks>\n    <disk name='vda'>\n      <driver type='raw'/>\n    </disk>\n  </disks>\n</domainbackup>`)).toBe(
      "4:7 /domainbackup/disks/disk/driver pull mode requires qcow2 driver, not 'raw'",
    );
    expect(err(`<domainbackup mode='pull'>\n  <server transport='rdma' name='h'/>\n</domainbackup>`)).toBe(
      '2:11 /domainbackup/server/@transport transport rdma is not supported for <server>',
    );
    expect(err(`<domainbackup mode='pull'><server transport='unix' socket='rel'/></domainbackup>`)).toMatch(/backup socket path 'rel' must be absolute/);
  });

  it('keeps an unknown mode, refuses it when strict', () => {
    const xml = `<domainbackup mode='mirror'>\n  <incremental>c1</incremental>\n</domainbackup>\n`;
    expect(rt(xml)).toBe(xml);
    expect(() => parseDomainBackupXml(xml, { strict: true })).toThrow(/unknown backup mode 'mirror'/);
  });

  it('alignBackupDisks: every domain disk listed, images named after the disks, modes from the checkpoint', () => {
    const def = parseDomainBackupXml(`<domainbackup><incremental>c1</incremental><disks><disk name='vda'/><disk name='vdb' backup='no'/></disks></domainbackup>`);
    expect(formatDomainBackupXml(alignBackupDisks(def, domain, 'bak'))).toBe(`<domainbackup mode='push'>
  <incremental>c1</incremental>
  <disks>
    <disk name='vda' backup='yes' type='file' backupmode='incremental' incremental='c1'>
      <target file='/img/vda.qcow2.bak'/>
    </disk>
    <disk name='vdb' backup='no'/>
    <disk name='sda' backup='no'/>
    <disk name='vdc' backup='no'/>
  </disks>
</domainbackup>
`);
    // a job naming no disk backs up every disk with media that is writable; a block disk cannot be given a file name
    expect(() => alignBackupDisks(parseDomainBackupXml(`<domainbackup/>`), domain, 'bak')).toThrow("refusing to generate file name for disk 'vdb'");
    expect(def.disks?.disks).toHaveLength(2);
  });

  it("alignBackupDisks refuses what libvirt refuses", () => {
    const job = (disks: string): DomainBackupDef => parseDomainBackupXml(`<domainbackup><disks>${disks}</disks></domainbackup>`);
    expect(() => alignBackupDisks(job(`<disk name='vdz'/>`), domain, 's')).toThrow("no disk named 'vdz'");
    expect(() => alignBackupDisks(job(`<disk name='vda'/><disk name='vda'/>`), domain, 's')).toThrow("disk 'vda' specified twice");
    expect(() => alignBackupDisks(job(`<disk name='vda' backupmode='incremental'/>`), domain, 's')).toThrow(/requires setting 'incremental' field/);
    expect(() => alignBackupDisks(job(`<disk name='sda'><target file='/x'/></disk>`), domain, 's')).toThrow("disk 'sda' has no media");
    expect(() => alignBackupDisks(job(`<disk name='vda'/>`.repeat(5)), domain, 's')).toThrow('too many disk backup requests for domain');
  });

  it("is validated with libvirt's schema of each release", () => {
    const fd = `<domainbackup mode='pull'><server transport='fd' fdgroup='g'/></domainbackup>`;
    expect(validateXml(fd, { profile: 'rng', libvirt: '12.9' }).valid).toBe(true);
    expect(validateXml(fd, { profile: 'rng', libvirt: '10.7' }).valid).toBe(false);
    expect(validateXml(`<domainbackup mode='pull'/>`, { profile: 'rng' }).valid).toBe(false);
  });
});
