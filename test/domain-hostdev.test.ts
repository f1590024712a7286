import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDomainXml, parseDomainXml, validateXml, VirtXmlError, type PciHostdev } from '../src/model.js';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

function rejects(xml: string): VirtXmlError {
  try {
  // strict: libvirt's parser refuses words and cases it does not know (virtxml's default keeps them)
    parseDomainXml(xml, { strict: true });
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    return e as VirtXmlError;
  }
  throw new Error('expected parseDomainXml to reject');
}

/** A minimal domain around some devices. */
const dom = (devices: string) => `<domain type='kvm'>
  <name>t</name>
  <devices>
${devices}
  </devices>
</domain>
`;

const pci = (attrs: string, inner = '') => `    <hostdev mode='subsystem' type='pci' managed='yes'>
${inner}      <source>
        <address ${attrs}/>
      </source>
    </hostdev>`;

describe('domain <hostdev>', () => {
  it('round-trips a domain with group=auto hostdevs and unknown elements byte for byte', () => {
    const xml = fixture('vm-group-auto.xml');
    const def = parseDomainXml(xml);
    const hostdevs = def.devices!.hostdevs!;
    expect(hostdevs).toHaveLength(4);
    const h0 = hostdevs[0] as PciHostdev;
    expect(h0.driver).toEqual({ name: 'vfio', groupMgmt: 'auto' });
    expect(h0.source.address).toEqual({ domain: 0, bus: 1, slot: 0, function: 0 });
    expect((hostdevs[2] as PciHostdev).driver).toBeUndefined();
    expect(formatDomainXml(def)).toBe(xml);
  });

  it('writes group only when not default, and strips it for upstream libvirt', () => {
    const def = parseDomainXml(fixture('vm-group-auto.xml'));
    expect(formatDomainXml(def, { stripExtensions: true })).not.toContain('group=');
    const h0 = def.devices!.hostdevs![0] as PciHostdev;
    h0.driver = { name: 'vfio', groupMgmt: 'default' };
    // a word the declarations do not know is written back unchanged (forward compatible); validation reports it
    expect(formatDomainXml(def)).toContain("group='default'");
    expect(validateXml(formatDomainXml(def)).diagnostics.some((d) => d.path.endsWith('/driver/@group'))).toBe(true);
    h0.driver = { name: 'vfio' };
    expect(formatDomainXml(def).match(/group=/g)).toHaveLength(1);
  });

  it('rejects an unknown group value, naming it and its place', () => {
    const e = rejects(dom(pci(`domain='0x0000' bus='0x06' slot='0x12' function='0x1'`, `      <driver name='vfio' group='manual'/>\n`)));
    expect(e.code).toBe('invalid-value');
    expect(e.detail).toBe("Invalid value for attribute 'group' in element 'driver': 'manual'.");
    expect([e.line, e.column]).toEqual([5, 27]);
    expect(e.path).toBe('/domain/devices/hostdev/driver/@group');
  });

  it("keeps exactly what was given: no driver, name only, model only, both (hostdev-vfio)", () => {
    const devs = [
      pci(`domain='0x0000' bus='0x06' slot='0x12' function='0x1'`),
      pci(`domain='0x0000' bus='0x06' slot='0x12' function='0x2'`, `      <driver name='vfio'/>\n`),
      pci(`domain='0x0000' bus='0x06' slot='0x12' function='0x3'`, `      <driver model='vfio-pci-igb'/>\n`),
      pci(`domain='0x0000' bus='0x06' slot='0x12' function='0x4'`, `      <driver name='vfio' model='vfio-pci-igb'/>\n`),
    ].join('\n');
    const xml = dom(devs);
    expect(formatDomainXml(parseDomainXml(xml))).toBe(xml);
  });

  it('reads addresses base 0 and writes them in hex (hostdev-vfio-multidomain)', () => {
    const def = parseDomainXml(dom(pci(`domain='0x55aa' bus='222' slot='31' function='010'`.replace("function='010'", "function='07'"))));
    const out = formatDomainXml(def);
    expect(out).toContain(`<address domain='0x55aa' bus='0xde' slot='0x1f' function='0x7'/>`);
    // octal: 010 is 8
    const h = parseDomainXml(dom(pci(`bus='010' slot='1'`))).devices!.hostdevs![0] as PciHostdev;
    expect(h.source.address.bus).toBe(8);
  });

  it('applies libvirt PCI address limits with its messages', () => {
    const cases: Array<[string, string, string]> = [
      [`bus='0x100' slot='1'`, "Invalid PCI address bus='0x100', must be <= 0xFF", 'bus'],
      [`bus='1' slot='0x20'`, "Invalid PCI address slot='0x20', must be <= 0x1F", 'slot'],
      [`bus='1' slot='1' function='8'`, 'Invalid PCI address function=0x8, must be <= 7', 'function'],
    ];
    for (const [attrs, message, attr] of cases) {
      const e = rejects(dom(pci(attrs)));
      expect(e.code).toBe('invalid-address');
      expect(e.detail).toBe(message);
      expect(e.line).toBe(6);
      expect(e.path).toBe('/domain/devices/hostdev/source/address' + (attr ? '/@' + attr : ''));
    }
    // an address whose domain, bus and slot are zero is empty to libvirt (virPCIDeviceAddressIsEmpty),
    // and virPCIDeviceAddressParseXML checks only non-empty ones: libvirt 12.9 accepts function='1' alone
    const empty = parseDomainXml(dom(pci(`function='1'`))).devices!.hostdevs![0] as PciHostdev;
    expect(empty.source.address.function).toBe(1);
    const e = rejects(dom(pci(`bus='1' slot='-1'`)));
    expect(e.detail).toBe("Invalid value for attribute 'slot' in element 'address': '-1'. Expected non-negative integer value");
    expect(rejects(dom(pci(`bus='0x' slot='1'`))).code).toBe('invalid-value');
    expect(rejects(dom(pci(`bus='08' slot='1'`))).code).toBe('invalid-value');
  });

  it('rejects a hostdev listed twice (hostdev-pci-duplicate)', () => {
    const a = `domain='0x0000' bus='0x06' slot='0x12' function='0x1'`;
    const e = rejects(dom([pci(a), pci(`domain='0' bus='6' slot='18' function='1'`)].join('\n')));
    expect(e.code).toBe('duplicate');
    expect(e.detail).toBe('XML error: Hostdev already exists in the domain configuration');
    expect(e.path).toBe('/domain/devices/hostdev[2]');
    expect(e.line).toBe(9);
  });

  it('requires <source> and a known type', () => {
    expect(rejects(dom(`    <hostdev mode='subsystem' type='pci'/>`)).detail).toBe('Missing <source> element in <hostdev>');
    expect(rejects(dom(`    <hostdev mode='subsystem' type='firewire'><source/></hostdev>`)).code).toBe('unknown-variant');
  });

  it('parses every hostdev variant', () => {
    const xml = dom(`    <hostdev mode='subsystem' type='usb' managed='yes'>
      <source startupPolicy='optional'>
        <vendor id='0x1234'/>
        <product id='0xbeef'/>
        <address bus='1' device='3'/>
      </source>
      <boot order='2'/>
    </hostdev>
    <hostdev mode='subsystem' type='scsi' managed='no' sgio='unfiltered' rawio='yes'>
      <source>
        <adapter name='scsi_host0'/>
        <address bus='0' target='0' unit='1'/>
      </source>
      <readonly/>
      <address type='drive' controller='0' bus='0' target='0' unit='1'/>
    </hostdev>
    <hostdev mode='subsystem' type='scsi' managed='no'>
      <source protocol='iscsi' name='iqn.2026-01.org.example:t1/2'>
        <host name='storage.example.org' port='3260'/>
        <auth username='ops'>
          <secret type='iscsi' usage='lun2'/>
        </auth>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='scsi_host' managed='no' model='virtio'>
      <source protocol='vhost' wwpn='naa.5000c50015ea71ad'/>
    </hostdev>
    <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci' display='on' ramfb='off'>
      <source>
        <address uuid='a3b8d2f0-1c55-4e2b-9e0a-6f2d7c1b0e44'/>
      </source>
    </hostdev>
    <hostdev mode='capabilities' type='storage'>
      <source>
        <block>/dev/sdf1</block>
      </source>
    </hostdev>
    <hostdev mode='capabilities' type='misc'>
      <source>
        <char>/dev/input/event3</char>
      </source>
    </hostdev>
    <hostdev mode='capabilities' type='net'>
      <source>
        <interface>eth9</interface>
      </source>
      <ip address='192.0.2.10' family='ipv4' prefix='24'/>
      <route family='ipv4' address='0.0.0.0' gateway='192.0.2.1'/>
    </hostdev>`);
    const def = parseDomainXml(xml);
    expect(def.devices!.hostdevs!.map((h) => `${h.mode}/${h.type}`)).toEqual([
      'subsystem/usb',
      'subsystem/scsi',
      'subsystem/scsi',
      'subsystem/scsi_host',
      'subsystem/mdev',
      'capabilities/storage',
      'capabilities/misc',
      'capabilities/net',
    ]);
    expect(formatDomainXml(def)).toBe(xml);
  });

  it('writes managed=no for a subsystem hostdev without managed, and origstates only in status XML', () => {
    const xml = dom(`    <hostdev mode='subsystem' type='pci'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x1'/>
        <origstates>
          <unbind/>
          <reprobe/>
        </origstates>
      </source>
    </hostdev>`);
    const def = parseDomainXml(xml);
    const h = def.devices!.hostdevs![0] as PciHostdev;
    expect(h.managed).toBe(false);
    expect(h.source.origstates).toEqual({ unbind: true, reprobe: true });
    expect(formatDomainXml(def)).not.toContain('origstates');
    expect(formatDomainXml(def)).toContain(`managed='no'`);
    expect(formatDomainXml(def, { status: true })).toContain(`<origstates>\n          <unbind/>\n          <reprobe/>\n        </origstates>`);
  });
});
