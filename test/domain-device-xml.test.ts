import { describe, expect, it } from 'vitest';
import {
  DEVICE_FIELDS,
  DEVICE_KINDS,
  deviceDecl,
  devices,
  formatDeviceXml,
  parseDeviceXml,
  parseDomainXml,
  formatDomainXml,
  VirtXmlError,
  type DeviceXml,
} from '../src/model.js';
import { resolveDecl } from '../src/xml/decl.js';
import { originOf } from '../src/xml/codec.js';

function rejects(xml: string, kind?: Parameters<typeof parseDeviceXml>[1]): VirtXmlError {
  try {
    parseDeviceXml(xml, kind);
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    return e as VirtXmlError;
  }
  throw new Error('expected parseDeviceXml to reject');
}

describe('parseDeviceXml / formatDeviceXml', () => {
  it('knows every device family of <devices>, each under its element name', () => {
    const fields = Object.keys(devices.fields).filter((k) => k !== 'emulator').sort();
    expect(Object.values(DEVICE_FIELDS).sort()).toEqual(fields);
    for (const kind of DEVICE_KINDS) {
      const d = resolveDecl(deviceDecl(kind));
      const name = d.kind === 'union' ? Object.values(d.cases)[0]!.name : d.name;
      expect(name).toBe(kind);
    }
  });

  it('parses a disk into a tagged value and writes it back byte for byte', () => {
    const xml = `<disk type='file' device='disk'>
  <driver name='qemu' type='qcow2'/>
  <source file='/var/lib/libvirt/images/a.qcow2'/>
  <target dev='vda' bus='virtio'/>
</disk>
`;
    const dev = parseDeviceXml(xml);
    expect(dev.kind).toBe('disk');
    if (dev.kind !== 'disk') throw new Error('narrowing');
    expect(dev.def.target?.dev).toBe('vda');
    expect(formatDeviceXml(dev)).toBe(xml);
    // the same def inside a domain, indented as libvirt writes it there
    expect(formatDeviceXml(dev, { level: 2 })).toBe(xml.replace(/^/gm, '    ').replace(/ +$/, ''));
  });

  it('keeps unknown attributes and elements of a snippet', () => {
    const xml = `<watchdog model='i6300esb' action='reset' x:y='1' xmlns:x='urn:x'>
  <x:note>kept</x:note>
</watchdog>
`;
    expect(formatDeviceXml(parseDeviceXml(xml))).toBe(xml);
  });

  it('checks the kind asked for, and refuses a root that is not a device', () => {
    const e = rejects(`<disk type='file' device='disk'><target dev='vda'/></disk>`, { kind: 'interface' });
    expect(e.code).toBe('xml-root');
    expect(e.message).toMatch(/unexpected root element <disk>: expected <interface>/);
    expect(rejects('<domain/>').code).toBe('xml-root');
    expect(rejects('<devices/>').code).toBe('xml-root');
  });

  it('reports errors with the snippet’s own path and place', () => {
    const e = rejects(`<hostdev mode='subsystem' type='pci'>
  <source>
    <address bus='0x100' slot='0x01'/>
  </source>
</hostdev>`);
    expect(e.code).toBe('invalid-address');
    expect(e.path).toBe('/hostdev/source/address/@bus');
    expect(e.line).toBe(3);
  });

  it('remembers where each def came from when asked (keepOrigins), and only then', () => {
    const xml = `<interface type='network'>
  <source network='default'/>
  <model type='virtio'/>
</interface>
`;
    const dev = parseDeviceXml(xml, { keepOrigins: true });
    if (dev.kind !== 'interface') throw new Error('narrowing');
    const model = (dev.def as { model?: object }).model!;
    const o = originOf(model);
    expect(o?.path).toBe('/interface/model');
    expect(o?.source.elementPlace(o.el)).toEqual({ line: 3, column: 3 });
    const plain = parseDeviceXml(xml);
    expect(originOf((plain.def as { model?: object }).model!)).toBeUndefined();
  });

  it('refuses to format an unknown kind', () => {
    expect(() => formatDeviceXml({ kind: 'toaster', def: {} } as unknown as DeviceXml)).toThrow(VirtXmlError);
  });
});

describe('SCSI host adapter (basictypes sourceinfoadapter)', () => {
  it('round-trips parentaddr with its PCI address, and fc_host parent WWNs', () => {
    const scsi = `<hostdev mode='subsystem' type='scsi' managed='no'>
  <source>
    <adapter type='scsi_host'>
      <parentaddr unique_id='1'>
        <address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>
      </parentaddr>
    </adapter>
    <address bus='0' target='0' unit='0'/>
  </source>
</hostdev>
`;
    const dev = parseDeviceXml(scsi, { kind: 'hostdev' });
    expect(formatDeviceXml(dev)).toBe(scsi);
    const def = dev.def as { source: { adapter: { parentaddr: { unique_id: number; address: { slot: number } } } } };
    expect(def.source.adapter.parentaddr.unique_id).toBe(1);
    expect(def.source.adapter.parentaddr.address.slot).toBe(0x1f);

    const fc = `<hostdev mode='subsystem' type='scsi' managed='no'>
  <source>
    <adapter type='fc_host' parent='scsi_host3' parent_wwnn='20000000c9831b4b' parent_wwpn='10000000c9831b4b' parent_fabric_wwn='2000000000000001' managed='yes' wwnn='20000000c9831b4c' wwpn='10000000c9831b4c'/>
    <address bus='0' target='0' unit='0'/>
  </source>
</hostdev>
`;
    expect(formatDeviceXml(parseDeviceXml(fc))).toBe(fc);
  });

  it('checks the parent address as a PCI address', () => {
    const e = rejects(`<hostdev mode='subsystem' type='scsi'>
  <source>
    <adapter><parentaddr><address domain='0' bus='0' slot='0x20' function='0'/></parentaddr></adapter>
    <address bus='0' target='0' unit='0'/>
  </source>
</hostdev>`);
    expect(e.code).toBe('invalid-address');
    expect(e.path).toBe('/hostdev/source/adapter/parentaddr/address/@slot');
  });

  it('is the same declaration inside a domain', () => {
    const xml = `<domain type='kvm'>
  <name>t</name>
  <devices>
    <hostdev mode='subsystem' type='scsi' managed='no'>
      <source>
        <adapter name='scsi_host0'/>
        <address bus='0' target='0' unit='0'/>
      </source>
    </hostdev>
  </devices>
</domain>
`;
    expect(formatDomainXml(parseDomainXml(xml))).toBe(xml);
  });
});
