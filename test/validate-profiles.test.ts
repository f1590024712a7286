/**
 * validateXml by profile: `rng` (libvirt's schema verdict), `libvirt` (plus
 * libvirt's parse-time and define-time rules), `virtxml` (plus virtxml's
 * extensions, checked). Our own fixtures.
 */
import { describe, expect, it } from 'vitest';
import { validateXml } from '../src/validate/index.js';
import { kindOfRoot } from '../src/kinds.js';
import { minimalDomain } from './helpers/domain.js';

const vm = (devices: string, head = '') => minimalDomain(devices, head);

const hostdev = (driver: string, managed = "managed='yes'") => `    <hostdev mode='subsystem' type='pci' ${managed}>
      <driver ${driver}/>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x2'/>
      </source>
    </hostdev>`;

describe('profiles', () => {
  it('group=auto: an error for rng and libvirt, accepted and checked by virtxml', () => {
    const xml = vm(hostdev("name='vfio' group='auto'"));
    expect(validateXml(xml, { profile: 'rng' }).valid).toBe(false);
    const lv = validateXml(xml, { profile: 'libvirt' });
    expect(lv.valid).toBe(false);
    expect(lv.diagnostics[0]).toMatchObject({ line: 9, column: 27, path: '/domain/devices/hostdev/driver/@group' });
    expect(validateXml(xml).valid).toBe(true);
    // the extension wants the VFIO backend and managed='yes'
    const kvm = validateXml(vm(hostdev("name='kvm' group='auto'")));
    expect(kvm.valid).toBe(false);
    expect(kvm.diagnostics.some((d) => d.source === 'virtxml' && d.line === 9)).toBe(true);
    const unmanaged = validateXml(vm(hostdev("name='vfio' group='auto'", "managed='no'")));
    expect(unmanaged.valid).toBe(false);
    expect(unmanaged.diagnostics.some((d) => d.source === 'virtxml')).toBe(true);
  });

  it('libvirt profile adds the rules the schema cannot say', () => {
    // schema-valid, but two devices on one guest PCI slot
    const two = vm(`    <interface type='network'>
      <source network='default'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
    </interface>
    <interface type='network'>
      <source network='default'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
    </interface>`);
    expect(validateXml(two, { profile: 'rng' }).valid).toBe(true);
    const r = validateXml(two, { profile: 'libvirt' });
    expect(r.valid).toBe(false);
    expect(r.diagnostics.every((d) => d.source === 'libvirt')).toBe(true);
    expect(r.diagnostics[0]).toMatchObject({ line: 14, column: 7, path: '/domain/devices/interface[2]/address' });
  });

  it('parse-time rules: the parser error, with its place', () => {
    const xml = vm(`    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x2'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x2'/>
      </source>
    </hostdev>`);
    expect(validateXml(xml, { profile: 'rng' }).valid).toBe(true);
    const r = validateXml(xml, { profile: 'libvirt' });
    expect(r.valid).toBe(false);
    expect(r.diagnostics[0]!.line).toBeGreaterThan(8);
  });

  it('detects the root kind and refuses unknown roots with a place', () => {
    expect(kindOfRoot('network')).toBe('network');
    expect(kindOfRoot('hostdev')).toBe('hostdev');
    expect(kindOfRoot('frobnicator')).toBeUndefined();
    const r = validateXml(`<frobnicator type='dir'/>`);
    expect(r).toMatchObject({ valid: false, kind: undefined });
    expect(r.diagnostics[0]).toMatchObject({ code: 'xml-root', line: 1, column: 1 });
    const bad = validateXml(`<domain`);
    expect(bad.diagnostics[0]!.code).toBe('xml-malformed');
  });

  it('device snippets get the device rules of the libvirt profile', () => {
    const snippet = hostdev("name='vfio' group='auto'").trim();
    expect(validateXml(snippet, { kind: 'hostdev' }).valid).toBe(true);
    expect(validateXml(snippet, { kind: 'hostdev', profile: 'libvirt' }).valid).toBe(false);
    const wrong = validateXml(snippet, { kind: 'disk' });
    expect(wrong.diagnostics[0]).toMatchObject({ code: 'xml-root', line: 1, column: 1 });
  });

  it('carries the file name into every diagnostic', () => {
    const r = validateXml(vm('', `\n  <vcpu>x</vcpu>`), { file: 'vm.xml' });
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.file === 'vm.xml')).toBe(true);
  });
});
