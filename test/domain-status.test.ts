import { describe, expect, it } from 'vitest';
import { formatDomainStatusXml, parseDomainStatusXml, VirtXmlError, type PciHostdev } from '../src/model.js';

/** A status file as libvirt's QEMU driver writes it (our own example, shaped after virDomainObjFormat). */
const STATUS = `<domstatus state='running' reason='booted' pid='3803518'>
  <taint flag='high-privileges'/>
  <taint flag='custom-argv'/>
  <deprecation>machine type &apos;pc-i440fx-2.11&apos; is deprecated</deprecation>
  <monitor path='/var/lib/libvirt/qemu/domain-1-vm1/monitor.sock' type='unix'/>
  <namespaces>
    <mount/>
  </namespaces>
  <vcpus>
    <vcpu id='0' pid='3803530'/>
  </vcpus>
  <qemuCaps>
    <flag name='kvm'/>
  </qemuCaps>
  <libDir path='/var/lib/libvirt/qemu/domain-1-vm1'/>
  <domain type='kvm' id='1'>
    <name>vm1</name>
    <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
    <memory unit='KiB'>1048576</memory>
    <vcpu placement='static'>1</vcpu>
    <os>
      <type arch='x86_64' machine='pc-i440fx-2.11'>hvm</type>
    </os>
    <devices>
      <emulator>/usr/bin/qemu-system-x86_64</emulator>
      <hostdev mode='subsystem' type='pci' managed='yes'>
        <driver name='vfio'/>
        <source>
          <address domain='0x0000' bus='0x06' slot='0x12' function='0x2'/>
          <origstates>
            <unbind/>
            <reprobe/>
          </origstates>
        </source>
        <alias name='hostdev0'/>
        <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
      </hostdev>
    </devices>
  </domain>
</domstatus>
`;

describe('<domstatus> (libvirt private status XML)', () => {
  it('reads state, reason, pid, taints and deprecations, and the domain in status form', () => {
    const st = parseDomainStatusXml(STATUS);
    expect(st.state).toBe('running');
    expect(st.reason).toBe('booted');
    expect(st.pid).toBe(3803518);
    expect(st.taints?.map((t) => t.flag)).toEqual(['high-privileges', 'custom-argv']);
    expect(st.deprecations?.[0]?.text).toMatch(/deprecated/);
    expect(st.domain.id).toBe(1);
    const h = st.domain.devices!.hostdevs![0] as PciHostdev;
    expect(h.source.origstates).toEqual({ unbind: true, reprobe: true });
  });

  it('writes it back byte for byte, the driver private data in place', () => {
    expect(formatDomainStatusXml(parseDomainStatusXml(STATUS))).toBe(STATUS);
  });

  it('leaves status-only parts out when asked for a non-status form', () => {
    const out = formatDomainStatusXml(parseDomainStatusXml(STATUS), { status: false });
    expect(out).not.toContain('<origstates>');
    expect(out).toContain("<domstatus state='running' reason='booted' pid='3803518'>");
  });

  it('rejects what libvirt rejects: unknown state or taint, missing domain', () => {
    const bad = (xml: string) => {
      try {
        parseDomainStatusXml(xml, { strict: true });
      } catch (e) {
        expect(e).toBeInstanceOf(VirtXmlError);
        return e as VirtXmlError;
      }
      throw new Error('expected a rejection');
    };
    expect(bad(STATUS.replace("state='running'", "state='dancing'")).path).toBe('/domstatus/@state');
    expect(bad(STATUS.replace("flag='custom-argv'", "flag='nope'")).path).toBe('/domstatus/taint[2]/@flag');
    expect(bad(`<domstatus state='running' reason='booted' pid='1'/>`).code).toBe('missing-element');
    expect(bad(`<domain type='kvm'><name>x</name></domain>`).code).toBe('xml-root');
  });
});
