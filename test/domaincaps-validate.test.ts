/**
 * A domain validated against the <domainCapabilities> of libvirt's test hosts
 * (domaincapsdata, libvirt 10.7): configurations one host supports and
 * another refuses, each refusal at its place with libvirt's message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDomainCapabilitiesXml, parseDomainCapabilitiesXml, type DomainCapabilitiesDef } from '../src/domaincaps/index.js';
import { validateXml } from '../src/validate/index.js';

const DIR = join(__dirname, '..', '..', 'shared', 'libvirt-corpus', 'tests', 'domaincapsdata');
const HAVE = existsSync(DIR);
if (!HAVE) console.warn(`libvirt corpus not found at ${DIR}: domain-capabilities tests skipped`);
const text = (name: string) => readFileSync(join(DIR, `${name}.xml`), 'utf8');
const caps = (name: string) => parseDomainCapabilitiesXml(text(name));

const domain = ({ type = 'kvm', machine = 'q35', vcpus = 2, cpu = '', devices = '', extra = '' } = {}) => `<domain type='${type}'>
  <name>vm</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu placement='static'>${vcpus}</vcpu>
  <os>
    <type arch='x86_64' machine='${machine}'>hvm</type>
  </os>${cpu}${extra}
  <devices>
${devices}
  </devices>
</domain>
`;

/** The capability diagnostics only (line, path, message). */
function refusals(xml: string, domainCapabilities: DomainCapabilitiesDef) {
  return validateXml(xml, { domainCapabilities })
    .diagnostics.filter((d) => d.code.startsWith('domcaps-'))
    .map((d) => ({ severity: d.severity, source: d.source, line: d.line, path: d.path, message: d.message }));
}

describe.skipIf(!HAVE)('validateXml with domainCapabilities', () => {
  it('host-passthrough CPU: a KVM host has it, a TCG-only host refuses it', () => {
    const withKvm = caps('qemu_8.2.0-q35.x86_64');
    const tcg = caps('qemu_8.2.0-tcg.x86_64');
    const xml = domain({ type: 'qemu', cpu: "\n  <cpu mode='host-passthrough'/>" });
    // the q35 host is KVM: a 'qemu' domain is TCG there, which the KVM capabilities do not describe
    expect(refusals(domain({ cpu: "\n  <cpu mode='host-passthrough'/>" }), withKvm)).toEqual([]);
    expect(refusals(xml, tcg)).toEqual([
      {
        severity: 'warning',
        source: 'virtxml',
        line: 6,
        path: '/domain/os/type/@machine',
        message: "domain capabilities are for machine type 'pc-i440fx-8.2', not 'q35': ask the host for its capabilities of that machine type (virsh domcapabilities --machine q35)",
      },
      {
        severity: 'error',
        source: 'libvirt',
        line: 8,
        path: '/domain/cpu/@mode',
        message: "CPU mode 'host-passthrough' for x86_64 qemu domain on x86_64 host is not supported by hypervisor",
      },
    ]);
  });

  it('a KVM domain on a host without KVM: the emulator does not support the virt type', () => {
    const out = refusals(domain({ machine: 'pc' }), caps('qemu_8.2.0-tcg.x86_64'));
    expect(out).toEqual([{ severity: 'error', source: 'libvirt', line: 1, path: '/domain/@type', message: "Emulator '/usr/bin/qemu-system-x86_64' does not support virt type 'kvm'" }]);
  });

  it('vCPUs beyond the machine type limit: q35 takes 300, i440fx stops at 255', () => {
    expect(refusals(domain({ vcpus: 300 }), caps('qemu_8.2.0-q35.x86_64'))).toEqual([]);
    expect(refusals(domain({ machine: 'pc', vcpus: 300 }), caps('qemu_8.2.0.x86_64'))).toEqual([
      { severity: 'error', source: 'libvirt', line: 4, path: '/domain/vcpu', message: 'Maximum CPUs greater than specified machine type limit 255' },
    ]);
  });

  it('SEV: QEMU 6.0 on this host offers it, 6.1 does not', () => {
    const xml = domain({ machine: 'pc', extra: "\n  <launchSecurity type='sev'>\n    <policy>0x0003</policy>\n  </launchSecurity>" });
    expect(refusals(xml, caps('qemu_6.0.0.x86_64'))).toEqual([]);
    expect(refusals(xml, caps('qemu_6.1.0.x86_64'))).toEqual([
      { severity: 'error', source: 'libvirt', line: 8, path: '/domain/launchSecurity/@type', message: 'SEV launch security is not supported with this QEMU binary' },
    ]);
  });

  it('VFIO hostdevs: refused where the host offers no VFIO backend (no IOMMU), with the QEMU driver messages', () => {
    const full = text('qemu_8.2.0-q35.x86_64');
    // libvirt leaves vfio out of pciBackend on a host without an IOMMU or /dev/vfio (virHostdevHostSupportsPassthroughVFIO)
    const noIommu = parseDomainCapabilitiesXml(full.replace(/(<enum name='pciBackend'>[\s\S]*?)\s*<value>vfio<\/value>/, '$1'));
    const hostdevs = `    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio'/>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x2'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x3'/>
      </source>
    </hostdev>`;
    const xml = domain({ devices: hostdevs });
    expect(refusals(xml, parseDomainCapabilitiesXml(full))).toEqual([]);
    expect(refusals(xml, noIommu)).toEqual([
      { severity: 'error', source: 'libvirt', line: 10, path: '/domain/devices/hostdev[1]/driver/@name', message: "host doesn't support VFIO PCI passthrough" },
      { severity: 'error', source: 'libvirt', line: 15, path: '/domain/devices/hostdev[2]', message: "host doesn't support passthrough of host PCI devices" },
    ]);
  });

  it('video models: virtio and bochs on x86_64 QEMU 8.2, the video model refused by domain_capabilities.c', () => {
    const xml = domain({ devices: "    <video>\n      <model type='bochs'/>\n    </video>" });
    expect(refusals(xml, caps('qemu_8.2.0-q35.x86_64'))).toEqual([]);
    const noBochs = parseDomainCapabilitiesXml(text('qemu_8.2.0-q35.x86_64').replace(/\s*<value>bochs<\/value>/, ''));
    expect(refusals(xml, noBochs)).toEqual([
      { severity: 'error', source: 'libvirt', line: 10, path: '/domain/devices/video/model/@type', message: "domain configuration does not support 'video model' value 'bochs'" },
    ]);
  });

  it('disk bus and firmware that a host lacks are virtxml findings naming the capability', () => {
    const xml = domain({ devices: "    <disk type='file' device='disk'>\n      <source file='/x.img'/>\n      <target dev='sda' bus='sata'/>\n    </disk>" });
    expect(refusals(xml, caps('qemu_8.2.0-q35.x86_64'))).toEqual([]);
    const out = refusals(xml.replace("machine='q35'", "machine='pseries'").replace("arch='x86_64'", "arch='ppc64'"), caps('qemu_8.2.0.s390x'));
    expect(out.map((d) => d.message)).toContain("Emulator '/usr/bin/qemu-system-s390x' does not support arch 'ppc64'");
  });
});

describe('domain capabilities of libvirt >= 11', () => {
  it("keep a custom model's <blockers> after the model they are about (read and written back as they are)", () => {
    const xml = `<domainCapabilities>
  <domain>kvm</domain>
  <arch>x86_64</arch>
  <cpu>
    <mode name='host-passthrough' supported='no'/>
    <mode name='maximum' supported='no'/>
    <mode name='host-model' supported='no'/>
    <mode name='custom' supported='yes'>
      <model usable='no' vendor='Intel' canonical='Skylake-Client-v1'>Skylake-Client</model>
      <blockers model='Skylake-Client'>
        <feature name='hle'/>
        <feature name='rtm'/>
      </blockers>
      <model usable='yes' vendor='AMD'>EPYC</model>
    </mode>
  </cpu>
  <devices>
  </devices>
</domainCapabilities>
`;
    const def = parseDomainCapabilitiesXml(xml);
    expect(formatDomainCapabilitiesXml(def)).toBe(xml);
    expect(validateXml(xml, { profile: 'rng' }).diagnostics).toEqual([]);
  });
});

describe.skipIf(!HAVE)('no refusal where libvirt has none', () => {
  it('a CPU with only a topology, an mdev hostdev and a file channel pass on a host whose enums do not list them', () => {
    const xml = domain({
      cpu: "\n  <cpu>\n    <topology sockets='1' dies='1' clusters='1' cores='2' threads='1'/>\n  </cpu>",
      devices: `    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source>
        <address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/>
      </source>
    </hostdev>
    <channel type='file'>
      <source path='/tmp/ch'/>
      <target type='virtio' name='org.example.0'/>
    </channel>`,
    });
    expect(refusals(xml, caps('qemu_8.2.0-q35.x86_64'))).toEqual([]);
  });
});
