/**
 * `<domaincheckpoint>` (src/blockjobs/checkpoint.ts): what libvirt's
 * virDomainCheckpointDefParse reads and virDomainCheckpointDefFormatInternal
 * writes (checked against libvirt 12.9: redefined, then checkpoint-dumpxml).
 */
import { describe, expect, it } from 'vitest';
import { checkpointDefAsCreated, formatDomainCheckpointXml, parseDomainCheckpointXml } from '../src/blockjobs/index.js';
import { validateXml } from '../src/validate/index.js';

const rt = (xml: string) => formatDomainCheckpointXml(parseDomainCheckpointXml(xml));

describe('<domaincheckpoint>', () => {
  it("writes libvirt's order, a disk's checkpoint (bitmap when absent), its size only with a bitmap", () => {
    expect(
      rt(`<domaincheckpoint>
  <disks>
    <disk name='vda' bitmap='c1' size='1048576'/>
    <disk name='vdb' checkpoint='no' size='5'/>
    <disk name='vdc'/>
  </disks>
  <creationTime>1553647812</creationTime>
  <parent><name>c0</name></parent>
  <description>d</description>
  <name>c1</name>
</domaincheckpoint>`),
    ).toBe(`<domaincheckpoint>
  <name>c1</name>
  <description>d</description>
  <parent>
    <name>c0</name>
  </parent>
  <creationTime>1553647812</creationTime>
  <disks>
    <disk name='vda' checkpoint='bitmap' bitmap='c1' size='1048576'/>
    <disk name='vdb' checkpoint='no'/>
    <disk name='vdc' checkpoint='bitmap'/>
  </disks>
</domaincheckpoint>
`);
  });

  it('writes the domain inside inactive, at its depth', () => {
    const out = rt(`<domaincheckpoint><name>c1</name><creationTime>1</creationTime><domain type='qemu' id='3'><name>vm</name><memory>1024</memory><os><type>hvm</type></os></domain></domaincheckpoint>`);
    expect(out).toBe(`<domaincheckpoint>
  <name>c1</name>
  <creationTime>1</creationTime>
  <domain type='qemu'>
    <name>vm</name>
    <memory unit='KiB'>1024</memory>
    <os>
      <type>hvm</type>
    </os>
  </domain>
</domaincheckpoint>
`);
  });

  it('keeps an unknown checkpoint word, refuses it when strict', () => {
    const xml = `<domaincheckpoint>\n  <name>c</name>\n  <disks>\n    <disk name='vda' checkpoint='frozen'/>\n  </disks>\n</domaincheckpoint>\n`;
    expect(rt(xml)).toBe(xml);
    expect(() => parseDomainCheckpointXml(xml, { strict: true })).toThrow(/^4:22: Invalid value for attribute 'checkpoint' in element 'disk': 'frozen'/);
  });

  it('checkpointDefAsCreated keeps what checkpoint-create (without --redefine) reads', () => {
    const def = parseDomainCheckpointXml(`<domaincheckpoint><name>c</name><parent><name>p</name></parent><creationTime>9</creationTime><disks><disk name='vda'/></disks></domaincheckpoint>`);
    expect(checkpointDefAsCreated(def)).toEqual({ name: 'c', disks: { disks: [{ name: 'vda', checkpoint: 'bitmap' }] } });
  });

  it("is validated with libvirt's schema: a name usable as a file name, no <active>", () => {
    expect(validateXml(`<domaincheckpoint><name>../escape</name></domaincheckpoint>`, { profile: 'rng' }).valid).toBe(false);
    expect(validateXml(`<domaincheckpoint><name>c.1</name><active>1</active></domaincheckpoint>`, { profile: 'rng' }).valid).toBe(false);
    expect(validateXml(`<domaincheckpoint><name>c.1</name></domaincheckpoint>`, { profile: 'rng' }).valid).toBe(true);
  });
});
