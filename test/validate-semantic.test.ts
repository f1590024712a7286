/**
 * The semantic layer (src/validate/semantic-*.ts): every rule on our own
 * fixtures (test/fixtures/semantic/cases.ts), an invalid case with the exact
 * line, column and path of each diagnostic and a valid twin with none; the
 * place is also checked against the text (it must point at the element or
 * attribute the path names). Then defs built in code (no origin: line 0 and
 * the path of the def structure), profiles, networks and network ports.
 */
import { describe, expect, it } from 'vitest';
import { parseDomainXml, parseNetworkPortXml, parseNetworkXml, type DomainDef } from '../src/model.js';
import { domainSemanticDiagnostics } from '../src/validate/semantic-domain.js';
import { networkPortSemanticDiagnostics, networkSemanticDiagnostics } from '../src/validate/semantic-network.js';
import type { Diagnostic } from '../src/validate/types.js';
import { DOMAIN_CASES, domain, type Expected } from './fixtures/semantic/cases.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DRIVER_ONLY, oracleFromEnv, oracleVersion, runOracle } from '../conformance/libvirt-profile.mjs';

const pick = (d: Diagnostic): Expected => ({
  code: d.code,
  line: d.line,
  column: d.column,
  path: d.path,
  ...(d.severity === 'warning' ? { severity: 'warning' as const } : {}),
});

function domainDiags(xml: string, profile: 'libvirt' | 'virtxml' = 'libvirt', file?: string): Diagnostic[] {
  return domainSemanticDiagnostics(parseDomainXml(xml, { keepOrigins: true }), { profile, ...(file !== undefined ? { file } : {}) });
}

/** The text at a 1-based line and column must start the element or attribute the path ends with. */
function expectPlaceMatchesPath(xml: string, d: Expected): void {
  const line = xml.split('\n')[d.line - 1] ?? '';
  const at = line.slice(d.column - 1);
  const last = d.path.split('/').pop()!.replace(/\[\d+\]$/, '');
  if (last.startsWith('@')) expect(at.startsWith(`${last.slice(1)}=`), `${d.path} at ${d.line}:${d.column}: ${at.slice(0, 30)}`).toBe(true);
  else expect(at.startsWith(`<${last}`), `${d.path} at ${d.line}:${d.column}: ${at.slice(0, 30)}`).toBe(true);
}

describe('domain rules: each one invalid (exact places) and valid', () => {
  for (const c of DOMAIN_CASES) {
    it(c.rule, () => {
      const profile = c.profile ?? 'libvirt';
      const got = domainDiags(c.xml, profile);
      expect(got.map(pick)).toEqual(c.expect);
      for (const d of got) {
        expect(d.source).toBe(d.code.startsWith('virtxml-') ? 'virtxml' : 'libvirt');
        expect(d.message.length).toBeGreaterThan(10);
      }
      for (const e of c.expect) expectPlaceMatchesPath(c.xml, e);
      expect(domainDiags(c.valid, profile).map(pick)).toEqual([]);
    });
  }
});

// ---------------------------------------------------------------- libvirt itself on our fixtures

const oracle = oracleFromEnv();
const oracleLibvirt = oracleVersion(oracle);
if (oracleLibvirt === undefined) console.warn('libvirt oracle not available (python3-libvirt): the fixtures are not checked against libvirt');
/** Rules (and, for their valid twins, features) libvirt added after 9.0 (Debian's): an older oracle does not know them. */
const NEWER_THAN_9: ReadonlySet<string> = new Set(['<portForward> without the passt backend', "a memory device's range holding another one's base address"]);

describe.skipIf(oracleLibvirt === undefined)("libvirt's own verdict on our fixtures (oracle-roundtrip.py)", () => {
  it('refuses each invalid case with an error libvirt checks (with our message), accepts every valid twin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtxml-semantic-'));
    try {
      const files = DOMAIN_CASES.flatMap((c, i) => {
        const bad = join(dir, `${i}-invalid.xml`);
        const good = join(dir, `${i}-valid.xml`);
        writeFileSync(bad, c.xml);
        writeFileSync(good, c.valid);
        return [bad, good];
      });
      const verdict = runOracle(oracle, files);
      DOMAIN_CASES.forEach((c, i) => {
        const bad = verdict.get(join(dir, `${i}-invalid.xml`))!;
        const good = verdict.get(join(dir, `${i}-valid.xml`))!;
        const older = oracleLibvirt! < 10007000 && NEWER_THAN_9.has(c.rule);
        if (!older) expect(good, `${c.rule} (valid twin)`).toMatchObject({ ok: true });
        // what libvirt's test driver checks: errors that are not virtxml's own and not the QEMU driver's
        const libvirtChecks = c.expect.some((e) => !e.severity && !e.code.startsWith('virtxml-') && !DRIVER_ONLY.has(e.code));
        expect(bad.ok, `${c.rule}: libvirt ${bad.ok ? 'accepts' : 'refuses: ' + bad.error}`).toBe(!libvirtChecks || older);
        if (!bad.ok) {
          const ours = domainDiags(c.xml, c.profile ?? 'libvirt').find((d) => d.severity === 'error')!;
          expect(ours.message, c.rule).toBe(bad.error);
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("libvirt's messages", () => {
  it('quote libvirt where it is known', () => {
    const byRule = (rule: string) => domainDiags(DOMAIN_CASES.find((c) => c.rule === rule)!.xml)[0]!.message;
    expect(byRule('guest PCI address used twice')).toBe('XML error: Attempted double use of PCI Address 0000:00:03.0');
    expect(byRule('user alias used twice')).toBe('unsupported configuration: non unique alias detected: ua-net');
    expect(byRule('disk target used twice')).toBe("XML error: target 'vda' duplicated for disk sources '/img/vda' and '/img/vda'");
    expect(byRule('drive address used by two disks')).toBe(
      "unsupported configuration: Found duplicate drive address for disk with target name 'sda' controller='0' bus='0' target='0' unit='0'",
    );
    expect(byRule("domain name with '/'")).toBe("XML error: name a/b cannot contain '/'");
    expect(byRule('two controllers of a type with one index')).toBe("XML error: Multiple 'pci' controllers with index '1'");
    expect(byRule('lifecycle action an event does not take')).toBe("unsupported configuration: Lifecycle event 'poweroff' doesn't support 'coredump-destroy' action");
    expect(byRule('hostdev interface with a custom tap device')).toBe(
      'unsupported configuration: interface 00:11:22:33:44:55 - custom tap device path is not supported for network interfaces of type hostdev',
    );
  });

  it('memory devices without guest addresses are not compared for overlap (libvirt tells them apart by address)', () => {
    const c = DOMAIN_CASES.find((k) => k.rule === "a memory device's range holding another one's base address")!;
    expect(domainDiags(c.xml).map((d) => d.code)).toEqual(['libvirt-memory-overlap']);
    expect(domainDiags(c.xml.replace(/<address type='pci'[^>]*\/>/g, ''))).toEqual([]);
  });

  it("libvirt's disk order decides which two sources the duplicate target message names", () => {
    const xml = domain({
      devices: [
        "<disk type='file' device='disk'><source file='/usb.img'/><target dev='sda' bus='usb'/></disk>",
        "<disk type='file' device='disk'><source file='/ide.img'/><target dev='hda' bus='ide'/></disk>",
        "<disk type='file' device='disk'><source file='/ide2.img'/><target dev='sda' bus='ide'/></disk>",
      ],
    });
    const dup = domainDiags(xml).filter((d) => d.code === 'libvirt-duplicate-disk-target');
    // virDomainDiskInsert puts a disk after the last of its bus with a lower index: [sda usb, hda, sda ide]
    expect(dup.map((d) => [d.message, d.path])).toEqual([
      ["XML error: target 'sda' duplicated for disk sources '/usb.img' and '/ide2.img'", '/domain/devices/disk[3]/target/@dev'],
    ]);
  });
});

describe('diagnostics', () => {
  it('are in document order and carry the file name', () => {
    const xml = domain({
      name: 'a/b',
      devices: [
        "<interface type='network'><source network='default'/><alias name='ua-x'/></interface>",
        "<interface type='network'><source network='default'/><alias name='ua-x'/></interface>",
      ],
    });
    const got = domainDiags(xml, 'libvirt', 'vm.xml');
    expect(got.map((d) => [d.code, d.line])).toEqual([
      ['libvirt-domain-name', 2],
      ['libvirt-duplicate-alias', 8],
    ]);
    expect(got.every((d) => d.file === 'vm.xml')).toBe(true);
  });

  it('of a def built in code have line 0 and the path of the def structure', () => {
    const def = {
      type: 'kvm',
      name: 'coded',
      memory: { value: 1, unit: 'GiB' },
      maxMemory: { value: 512, unit: 'MiB', slots: 2 },
      devices: {
        hostdevs: [
          { mode: 'subsystem', type: 'pci', managed: true, source: { address: { domain: 0, bus: 6, slot: 0x12, function: 2 } } },
          { mode: 'subsystem', type: 'pci', managed: false, driver: { name: 'vfio', groupMgmt: 'auto' }, source: { address: { domain: 0, bus: 6, slot: 0x12, function: 2 } } },
        ],
      },
    } as unknown as DomainDef;
    expect(domainSemanticDiagnostics(def, { profile: 'virtxml' }).map((d) => [d.code, d.line, d.column, d.path])).toEqual([
      ['libvirt-max-memory', 0, 0, '/domain/maxMemory'],
      ['virtxml-group-needs-managed', 0, 0, '/domain/devices/hostdev[2]/@managed'],
      // libvirt's parse-time duplicate check (checkDuplicateHostdevs), which a def built in code has not passed
      ['libvirt-duplicate-hostdev', 0, 0, '/domain/devices/hostdev[2]'],
    ]);
    expect(domainSemanticDiagnostics(def, { profile: 'libvirt' }).map((d) => d.code)).toEqual([
      'libvirt-max-memory',
      'virtxml-extension',
      'libvirt-duplicate-hostdev',
    ]);
  });

  it('partial defs built in code give diagnostics, never an exception', () => {
    const partial = [
      {},
      { type: 'kvm' },
      { type: 'kvm', name: 'x', devices: {} },
      { type: 'kvm', name: 'x', devices: { hostdevs: [{ mode: 'subsystem', type: 'pci' }, { mode: 'subsystem', type: 'usb' }, { type: 'scsi' }] } },
      { type: 'kvm', name: 'x', devices: { interfaces: [{ type: 'hostdev' }, { type: 'network' }, { type: 'bridge' }], disks: [{ type: 'file' }] } },
      { type: 'kvm', name: 'x', devices: { controllers: [{ type: 'pci' }, { type: 'usb', model: 'none' }], memories: [{ model: 'dimm' }], videos: [{}] } },
      { type: 'kvm', name: 'x', os: { loader: {} }, cpu: { numa: { cells: [{ memory: 1 }] } }, numatune: { memnodes: [{ cellid: 0 }] } },
    ] as unknown as DomainDef[];
    for (const def of partial) {
      for (const profile of ['libvirt', 'virtxml'] as const) {
        const ds = domainSemanticDiagnostics(def, { profile });
        for (const d of ds) expect(d.line).toBe(0);
      }
    }
    expect(domainSemanticDiagnostics(partial[0]!, { profile: 'libvirt' }).map((d) => d.code)).toEqual(['libvirt-domain-name', 'libvirt-memory-missing']);
  });

  it('a memory size only in NUMA cells is a memory size', () => {
    const noMemory = domain().replace("  <memory unit='KiB'>1048576</memory>\n", '');
    expect(domainDiags(noMemory).map(pick)).toEqual([{ code: 'libvirt-memory-missing', line: 1, column: 1, path: '/domain' }]);
    const numa = noMemory.replace('</os>', "</os>\n  <cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'/></numa></cpu>");
    expect(domainDiags(numa)).toEqual([]);
  });
});

describe("profiles and group='auto'", () => {
  const xml = domain({ devices: ["<hostdev mode='subsystem' type='pci' managed='yes'><driver name='vfio' group='auto'/><source><address domain='0' bus='6' slot='0x12' function='2'/></source></hostdev>"] });
  it('libvirt: the extension is an error at driver/@group; virtxml: accepted when vfio and managed', () => {
    const lv = domainDiags(xml, 'libvirt');
    expect(lv.map((d) => [d.code, d.severity, d.source, d.path])).toEqual([['virtxml-extension', 'error', 'virtxml', '/domain/devices/hostdev/driver/@group']]);
    expect(domainDiags(xml, 'virtxml')).toEqual([]);
  });
  it('an allocated hostdev <actual> (status XML) is checked too', () => {
    const status = domain({
      devices: [
        "<interface type='network'><source network='pool'/><actual type='hostdev'><driver name='vfio' group='auto'/><source><address type='pci' domain='0' bus='3' slot='0x10' function='1'/></source></actual></interface>",
      ],
    });
    expect(domainDiags(status, 'virtxml').map(pick)).toEqual([
      { code: 'virtxml-group-needs-managed', line: 7, column: 55, path: '/domain/devices/interface/actual' },
    ]);
  });
});

// ---------------------------------------------------------------- networks

const network = (forward: string, rest: string[] = []) =>
  ['<network>', '  <name>n</name>', `  ${forward}`, ...rest.map((r) => '  ' + r), '</network>', ''].join('\n');

describe('network rules (validateNetworkDef, placed)', () => {
  const diags = (xml: string, profile: 'libvirt' | 'virtxml' = 'libvirt') =>
    networkSemanticDiagnostics(parseNetworkXml(xml, { keepOrigins: true }), { profile }).map(pick);

  it('an <ip> on a passthrough network, at the <ip>', () => {
    expect(diags(network("<forward mode='passthrough'><pf dev='eth0'/></forward>", ["<ip address='192.168.1.1' netmask='255.255.255.0'/>"]))).toEqual([
      { code: 'libvirt-network-element', line: 4, column: 3, path: '/network/ip' },
    ]);
    expect(diags(network("<forward mode='passthrough'><pf dev='eth0'/></forward>"))).toEqual([]);
  });
  it('portgroups: a second default and a repeated name, each at its portgroup', () => {
    const xml = network("<forward mode='bridge'/>", ["<bridge name='br0'/>", "<portgroup name='a' default='yes'/>", "<portgroup name='b' default='yes'/>", "<portgroup name='a'/>"]);
    expect(diags(xml)).toEqual([
      { code: 'libvirt-network-portgroup', line: 6, column: 23, path: '/network/portgroup[2]/@default' },
      { code: 'libvirt-network-portgroup', line: 7, column: 14, path: '/network/portgroup[3]/@name' },
    ]);
    expect(diags(network("<forward mode='bridge'/>", ["<bridge name='br0'/>", "<portgroup name='a' default='yes'/>", "<portgroup name='b'/>"]))).toEqual([]);
  });
  it('a macvtap network: mac, vlan, bandwidth (network-wide and in a portgroup), each at its element', () => {
    const xml = network("<forward mode='private'><interface dev='eth1'/></forward>", [
      "<mac address='52:54:00:00:00:01'/>",
      "<vlan><tag id='5'/></vlan>",
      "<bandwidth><inbound average='1000'/></bandwidth>",
      "<portgroup name='p'><bandwidth><inbound average='10'/></bandwidth></portgroup>",
    ]);
    expect(diags(xml)).toEqual([
      { code: 'libvirt-network-element', line: 4, column: 3, path: '/network/mac' },
      { code: 'libvirt-network-vlan', line: 5, column: 3, path: '/network/vlan' },
      { code: 'libvirt-network-bandwidth', line: 6, column: 3, path: '/network/bandwidth' },
      { code: 'libvirt-network-bandwidth', line: 7, column: 23, path: '/network/portgroup/bandwidth' },
    ]);
    expect(diags(network("<forward mode='private'><interface dev='eth1'/></forward>", ["<portgroup name='p'/>"]))).toEqual([]);
  });
  it('PCI addresses outside a hostdev network; <pf> with <interface>; two IPv4 DHCP sections', () => {
    expect(diags(network("<forward mode='passthrough'><address type='pci' domain='0' bus='3' slot='0' function='1'/></forward>"))).toEqual([
      { code: 'libvirt-network-pool', line: 3, column: 31, path: '/network/forward/address' },
    ]);
    expect(diags(network("<forward mode='bridge'><pf dev='eth0'/><interface dev='eth1'/></forward>"))).toEqual([
      { code: 'libvirt-network-pool', line: 3, column: 3, path: '/network/forward' },
    ]);
    const dhcp = (n: number) => `<ip address='192.168.${n}.1' netmask='255.255.255.0'><dhcp><range start='192.168.${n}.2' end='192.168.${n}.9'/></dhcp></ip>`;
    expect(diags(network("<forward mode='nat'/>", [dhcp(1), dhcp(2)]))).toEqual([{ code: 'libvirt-network-dhcp', line: 5, column: 53, path: '/network/ip[2]/dhcp' }]);
    expect(diags(network("<forward mode='nat'/>", [dhcp(1)]))).toEqual([]);
  });
  it('a hostdev network listing netdevs, at each <interface dev>', () => {
    const xml = network("<forward mode='hostdev' managed='yes'><interface dev='eth1'/><interface dev='eth2'/></forward>");
    expect(diags(xml)).toEqual([
      { code: 'libvirt-network-pool', line: 3, column: 52, path: '/network/forward/interface[1]/@dev' },
      { code: 'libvirt-network-pool', line: 3, column: 75, path: '/network/forward/interface[2]/@dev' },
    ]);
  });
  it("group='auto' on <forward><driver>: an extension for libvirt; for virtxml it wants managed='yes'", () => {
    const xml = network("<forward mode='hostdev'><driver name='vfio' group='auto'/><pf dev='eth2'/></forward>");
    expect(diags(xml, 'libvirt')).toEqual([{ code: 'virtxml-extension', line: 3, column: 47, path: '/network/forward/driver/@group' }]);
    expect(diags(xml, 'virtxml')).toEqual([{ code: 'virtxml-group-needs-managed', line: 3, column: 3, path: '/network/forward' }]);
    expect(diags(xml.replace("mode='hostdev'", "mode='hostdev' managed='yes'"), 'virtxml')).toEqual([]);
  });
});

describe('network port rules', () => {
  const port = (plug: string) =>
    [
      '<networkport>',
      '  <uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>',
      '  <owner><name>vm</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid></owner>',
      "  <mac address='52:54:00:7b:35:93'/>",
      `  ${plug}`,
      '</networkport>',
      '',
    ].join('\n');
  const diags = (xml: string, profile: 'libvirt' | 'virtxml') =>
    networkPortSemanticDiagnostics(parseNetworkPortXml(xml, { keepOrigins: true }), { profile }).map(pick);
  it("group='auto' on a hostdev-pci plug", () => {
    const xml = port("<plug type='hostdev-pci' managed='no'><driver name='vfio' group='auto'/><address domain='0' bus='2' slot='3' function='4'/></plug>");
    expect(diags(xml, 'libvirt')).toEqual([{ code: 'virtxml-extension', line: 5, column: 61, path: '/networkport/plug/driver/@group' }]);
    expect(diags(xml, 'virtxml')).toEqual([{ code: 'virtxml-group-needs-managed', line: 5, column: 28, path: '/networkport/plug/@managed' }]);
    expect(diags(xml.replace("managed='no'", "managed='yes'"), 'virtxml')).toEqual([]);
  });
});
