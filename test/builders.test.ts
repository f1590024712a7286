import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channel,
  console as virtConsole,
  disk,
  diskName,
  domain,
  graphics,
  hostdev,
  iface,
  input,
  network,
  parseMemorySize,
  parsePciAddress,
  rng,
  serial,
  tpm,
  video,
} from '../src/builders/index.js';
import { formatDomainXml, parseDomainXml } from '../src/domain/index.js';
import { formatNetworkXml, parseNetworkXml } from '../src/network/index.js';
import { VirtXmlError } from '../src/xml/errors.js';
import { xmlNameOf } from '../src/xml/decl.js';
import { hostdevDriver as hostdevDriverDecl } from '../src/common/basictypes.js';
import { validateXml } from '../src/validate/index.js';
import { PROFILES } from '../src/validate/types.js';

/** The VirtXmlError `fn` throws (fails the test when it throws nothing or something else). */
function refusal(fn: () => unknown): VirtXmlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VirtXmlError) return e;
    throw new Error(`expected a VirtXmlError, got ${String(e)}`);
  }
  throw new Error('expected a VirtXmlError, nothing was thrown');
}

const gpuGuest = () =>
  domain({
    name: 'gpu-guest',
    uuid: '5B2A6C1E0F7D4C1A9A523D1C8E0B7F11',
    memory: '8 GiB',
    vcpus: 4,
    cpu: { mode: 'host-passthrough', topology: { sockets: 1, cores: 2, threads: 2 } },
    os: { firmware: 'efi' },
    emulator: '/usr/bin/qemu-system-x86_64',
    devices: [
      hostdev.pci('0000:01:00.0', { driver: { name: 'vfio', group: 'auto' } }),
      hostdev.pci('0000:01:00.1', { driver: { name: 'vfio', group: 'auto' } }),
      disk.file('/var/lib/libvirt/images/gpu-guest.qcow2', { bootOrder: 1 }),
      disk.cdrom('/isos/install.iso', { bootOrder: 2 }),
      disk.file('/var/lib/libvirt/images/data.img', { cache: 'none', io: 'native' }),
      iface.network('default', { mac: '52:54:00:AA:1:2' }),
      graphics.vnc(),
      video.virtio(),
      input.tablet(),
      serial.pty(),
      virtConsole.pty(),
      channel.guestAgent(),
    ],
  });

const GPU_GUEST_XML = `<domain type='kvm'>
  <name>gpu-guest</name>
  <uuid>5b2a6c1e-0f7d-4c1a-9a52-3d1c8e0b7f11</uuid>
  <memory unit='KiB'>8388608</memory>
  <vcpu placement='static'>4</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <cpu mode='host-passthrough' check='none' migratable='on'>
    <topology sockets='1' dies='1' clusters='1' cores='2' threads='2'/>
  </cpu>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/gpu-guest.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='1'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/isos/install.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
      <boot order='2'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native'/>
      <source file='/var/lib/libvirt/images/data.img'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:aa:01:02'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <target type='isa-serial' port='0'>
        <model name='isa-serial'/>
      </target>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <input type='tablet' bus='usb'/>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>
      <listen type='address' address='127.0.0.1'/>
    </graphics>
    <video>
      <model type='virtio'/>
    </video>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio' group='auto'/>
      <source>
        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio' group='auto'/>
      <source>
        <address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>
      </source>
    </hostdev>
  </devices>
</domain>
`;

describe('domain()', () => {
  it('writes a GPU guest in libvirt canonical form, devices sorted into their lists', () => {
    expect(gpuGuest().toXml()).toBe(GPU_GUEST_XML);
  });

  it('is the def the parser reads back from its own XML (a fixed point)', () => {
    const vm = gpuGuest();
    const again = parseDomainXml(vm.toXml());
    expect(formatDomainXml(again)).toBe(vm.toXml());
    expect(again.devices?.hostdevs?.[0]).toMatchObject({ type: 'pci', managed: true, driver: { name: 'vfio', groupMgmt: 'auto' } });
  });

  it('is valid in every profile once the extension is stripped, and in the default profile with it', () => {
    const vm = gpuGuest();
    const r = vm.validate();
    expect(r.diagnostics).toEqual([]);
    expect(r).toMatchObject({ valid: true, kind: 'domain', profile: 'virtxml' });
    expect(vm.toXml({ stripExtensions: true })).not.toContain("group='auto'");
    const plain = domain({ name: 'plain', memory: '1 GiB', vcpus: 1, devices: [disk.file('/img/a.qcow2'), iface.bridge('br0')] });
    for (const profile of PROFILES) expect(plain.validate(profile), profile).toMatchObject({ valid: true, profile });
  });

  it("passes libvirt's RelaxNG and rules once the extension is stripped; the libvirt profile refuses group='auto'", () => {
    const vm = gpuGuest();
    for (const profile of PROFILES) expect(validateXml(vm.toXml({ stripExtensions: true }), { profile }).diagnostics, profile).toEqual([]);
    const upstream = vm.validate('libvirt');
    expect(upstream.valid).toBe(false);
    expect(upstream.diagnostics.map((d) => d.path)).toEqual(['/domain/devices/hostdev[1]/driver/@group', '/domain/devices/hostdev[2]/driver/@group']);
  });

  it('keeps its methods out of the data', () => {
    const vm = gpuGuest();
    expect(Object.keys(vm)).not.toContain('toXml');
    expect(JSON.stringify(vm)).not.toContain('toXml');
    const h = hostdev.pci('03:00.0');
    expect({ ...h }).toEqual({ mode: 'subsystem', type: 'pci', managed: true, source: { address: { domain: 0, bus: 3, slot: 0, function: 0 } } });
  });

  it('names disks per bus, after the names given explicitly', () => {
    const vm = domain({
      name: 'disks',
      memory: '2GiB',
      vcpus: 2,
      devices: [disk.file('/a.qcow2'), disk.file('/b.qcow2', { dev: 'vda' }), disk.block('/dev/sdz', { bus: 'scsi' }), disk.cdrom(), disk.file('/c.img')],
    });
    expect(vm.devices?.disks?.map((d) => `${d.target.dev}:${d.target.bus}`)).toEqual(['vdb:virtio', 'vda:virtio', 'sda:scsi', 'sdb:sata', 'vdc:virtio']);
    expect([0, 25, 26, 27, 701, 702].map((i) => diskName('vd', i))).toEqual(['vda', 'vdz', 'vdaa', 'vdab', 'vdzz', 'vdaaa']);
  });

  it('reads memory sizes with units into KiB, as libvirt keeps them', () => {
    expect(parseMemorySize('4 GiB', '/m')).toEqual({ value: 4194304, unit: 'KiB' });
    expect(parseMemorySize('512MiB', '/m')).toEqual({ value: 524288, unit: 'KiB' });
    expect(parseMemorySize({ value: 1, unit: 'GB' }, '/m')).toEqual({ value: 976563, unit: 'KiB' });
    expect(domain({ name: 'm', memory: '2 GiB', currentMemory: '1 GiB', vcpus: 1 }).currentMemory).toEqual({ value: 1048576, unit: 'KiB' });
  });

  it('takes UEFI secure boot with SMM, and a network disk', () => {
    const vm = domain({
      name: 'sb',
      memory: '4 GiB',
      vcpus: 2,
      os: { firmware: 'efi', secureBoot: true },
      devices: [disk.network({ protocol: 'rbd', name: 'pool/image', hosts: [{ name: 'mon1', port: 6789 }] })],
    });
    const xml = vm.toXml();
    expect(xml).toContain("<feature enabled='yes' name='secure-boot'/>");
    expect(xml).toContain("<smm state='on'/>");
    expect(xml).toContain("<source protocol='rbd' name='pool/image'>");
    expect(vm.validate().valid).toBe(true);
  });
});

describe('device builders', () => {
  it('each device is a valid snippet of its kind', () => {
    const devices = [
      hostdev.pci('0000:03:00.0', { managed: false, rom: { bar: false }, guestAddress: '0000:06:00.0' }),
      hostdev.usb({ vendor: '046d', product: '0xc52b' }),
      hostdev.usb({ bus: 1, device: 3 }),
      hostdev.mdev('5b2a6c1e-0f7d-4c1a-9a52-3d1c8e0b7f11', { display: true }),
      disk.block('/dev/vg/lv', { bus: 'scsi', device: 'lun' }),
      disk.network({ protocol: 'nbd', hosts: [{ transport: 'unix', socket: '/run/nbd.sock' }] }),
      iface.direct('eth0', { mode: 'passthrough' }),
      iface.bridge('br0', { vlan: [10, 20], mtu: 9000 }),
      iface.hostdev('03:10.1', { mac: '52:54:00:00:00:01', vlan: 42 }),
      graphics.spice({ listen: '0.0.0.0', port: 5930, passwd: 'pw', gl: false }),
      graphics.vnc({ websocket: 5700, keymap: 'en-us' }),
      video.qxl({ heads: 2 }),
      serial.unix('/run/vm/serial.sock', { port: 1 }),
      virtConsole.pty({ target: 'virtio' }),
      channel.spiceAgent(),
      input.keyboard('virtio'),
    ];
    for (const d of devices) {
      const r = d.validate();
      expect(r.diagnostics, d.toXml()).toEqual([]);
      expect(r.valid).toBe(true);
    }
    expect(hostdev.usb({ vendor: '046d', product: '0xc52b' }).toXml()).toContain("<vendor id='0x046d'/>");
  });

  it('maps driver.group to the typed groupMgmt, written only when set', () => {
    const h = hostdev.pci('0000:03:00.0', { driver: { name: 'vfio', model: 'vfio-pci-igb', group: 'auto' } });
    expect(h.driver).toEqual({ name: 'vfio', model: 'vfio-pci-igb', groupMgmt: 'auto' });
    expect(h.toXml()).toContain("<driver name='vfio' model='vfio-pci-igb' group='auto'/>");
    expect(h.toXml({ stripExtensions: true })).toContain("<driver name='vfio' model='vfio-pci-igb'/>");
    expect(hostdev.pci('0000:03:00.0', { driver: { name: 'vfio' } }).toXml()).toContain("<driver name='vfio'/>");
  });
});

describe('plain defs and more devices', () => {
  it('takes extra devices as plain defs, after the built ones, and checks them with them', () => {
    const vm = domain({
      name: 'extra',
      memory: '2 GiB',
      vcpus: 2,
      devices: [disk.file('/img/a.qcow2'), rng.virtio(), tpm.emulator()],
      extraDevices: {
        controllers: [{ type: 'usb', index: 0, model: 'qemu-xhci' }] as never,
        watchdogs: [{ model: 'i6300esb', action: 'reset' }] as never,
        rngs: [{ model: 'virtio', backend: { model: 'builtin' } }],
      },
    });
    const xml = vm.toXml();
    expect(xml).toContain("<controller type='usb' index='0' model='qemu-xhci'/>");
    expect(xml).toContain("<backend model='random'>/dev/urandom</backend>");
    expect(xml).toContain("<backend model='builtin'/>");
    expect(xml).toMatch(/<tpm model='tpm-crb'>\n\s+<backend type='emulator' version='2.0'\/>/);
    expect(vm.devices?.rngs?.map((r) => r.backend.model)).toEqual(['random', 'builtin']);
    expect(vm.validate().diagnostics).toEqual([]);
    // a duplicate among the extra devices is found like any other
    const e = refusal(() =>
      domain({ name: 'x', memory: '1 GiB', vcpus: 1, devices: [hostdev.pci('03:00.0')], extraDevices: { hostdevs: [{ mode: 'subsystem', type: 'pci', managed: false, source: { address: { domain: 0, bus: 3, slot: 0, function: 0 } } }] } }),
    );
    expect([e.code, e.path]).toEqual(['duplicate', '/domain/devices/hostdev[2]']);
  });

  it('any mix of built devices gives a valid domain that reads back to itself', () => {
    const pci = fc.record({ bus: fc.integer({ min: 1, max: 255 }), slot: fc.integer({ min: 0, max: 31 }), function: fc.integer({ min: 0, max: 7 }) });
    const device = fc.oneof(
      fc.record({ path: fc.constantFrom('/a.qcow2', '/b.img', '/c.raw'), bus: fc.constantFrom('virtio', 'sata', 'scsi', 'ide') as fc.Arbitrary<'virtio' | 'sata' | 'scsi' | 'ide'> }).map((o) => disk.file(`/images${o.path}`, { bus: o.bus })),
      fc.constantFrom(undefined, 'sata', 'scsi').map((bus) => disk.cdrom('/isos/x.iso', bus ? { bus: bus as 'sata' | 'scsi' } : {})),
      fc.constantFrom('default', 'lab').map((n) => iface.network(n)),
      fc.integer({ min: 0, max: 4095 }).map((v) => iface.bridge('br0', { vlan: v })),
      fc.tuple(pci, fc.boolean()).map(([a, g]) => hostdev.pci(a, { driver: { name: 'vfio', ...(g ? { group: 'auto' as const } : {}) } })),
      fc.constantFrom(graphics.vnc(), graphics.spice(), video.virtio(), input.tablet(), serial.pty(), virtConsole.pty(), channel.guestAgent(), rng.virtio(), tpm.emulator()),
    );
    const refused = new Set<string>();
    fc.assert(
      fc.property(fc.array(device, { maxLength: 12 }), fc.integer({ min: 1, max: 64 }), (devices, vcpus) => {
        let vm;
        try {
          vm = domain({ name: 'prop', memory: '1 GiB', vcpus, devices });
        } catch (e) {
          // a mix of valid devices can still be refused as a whole (the same host PCI address
          // twice, two TPMs): a typed error naming the rule, never a domain libvirt refuses
          expect(e).toBeInstanceOf(VirtXmlError);
          expect(['duplicate', 'invalid-value']).toContain((e as VirtXmlError).code);
          expect((e as VirtXmlError).path).toMatch(/^\/domain/);
          refused.add((e as VirtXmlError).detail.replace(/.*\[(.*)\]$/, '$1'));
          return;
        }
        const xml = vm.toXml();
        expect(formatDomainXml(parseDomainXml(xml))).toBe(xml);
        const r = vm.validate();
        expect(r.diagnostics, xml).toEqual([]);
        const devs = new Set(vm.devices?.disks?.map((d) => d.target.dev));
        expect(devs.size).toBe(vm.devices?.disks?.length ?? 0);
      }),
      { numRuns: 60 },
    );
  });
});

describe('networks', () => {
  it('writes nat, isolated, bridge and hostdev pools that read back the same', () => {
    const nets = [
      network.nat({ name: 'lab', bridge: 'virbr7', ip: '192.168.100.1/24', domain: 'lab.example' }),
      network.nat({ name: 'small', ip: '10.1.2.1/29', dhcp: { start: '10.1.2.3', end: '10.1.2.5' } }),
      network.isolated({ name: 'iso', ip: '172.16.0.1/16', dhcp: false }),
      network.bridge({ name: 'host-bridge', bridge: 'br0' }),
      network.hostdevPool({ name: 'sriov-pf', pf: 'enp3s0f0', driver: { name: 'vfio', group: 'auto' } }),
      network.hostdevPool({ name: 'sriov-vfs', addresses: ['0000:03:10.0', '0000:03:10.1', { bus: 3, slot: 0x10, function: 2 }], driver: { name: 'vfio' } }),
    ];
    for (const n of nets) {
      const xml = n.toXml();
      expect(formatNetworkXml(parseNetworkXml(xml)), xml).toBe(xml);
      expect(n.validate().diagnostics, xml).toEqual([]);
    }
    expect(nets[0]!.toXml()).toContain("<range start='192.168.100.2' end='192.168.100.254'/>");
    expect(nets[4]!.toXml()).toBe(`<network>
  <name>sriov-pf</name>
  <forward mode='hostdev' managed='yes'>
    <driver name='vfio' group='auto'/>
    <pf dev='enp3s0f0'/>
  </forward>
</network>
`);
    expect(nets[5]!.forward?.addresses?.map((a) => a.function)).toEqual([0, 1, 2]);
  });
});

describe('invalid input is refused early, with a code and a path', () => {
  const cases: Array<[string, () => unknown, string, string]> = [
    ['bad PCI string', () => hostdev.pci('0000:03:00'), 'invalid-address', '/hostdev/source/address'],
    ['slot out of range', () => hostdev.pci('0000:03:20.0'), 'invalid-address', '/hostdev/source/address'],
    ['function out of range', () => hostdev.pci('03:00.8'), 'invalid-address', '/hostdev/source/address'],
    ['host bridge address', () => hostdev.pci('0000:00:00.0'), 'invalid-address', '/hostdev/source/address'],
    ['not a string', () => hostdev.pci(42 as never), 'invalid-address', '/hostdev/source/address'],
    // the semantic layer's group='auto' rule, run by the builder: it blames the attribute at fault
    ['group without managed', () => hostdev.pci('03:00.0', { managed: false, driver: { group: 'auto' } }), 'unsupported', '/hostdev/@managed'],
    ['group with kvm', () => hostdev.pci('03:00.0', { driver: { name: 'kvm', group: 'auto' } }), 'unsupported', '/hostdev/driver/@name'],
    ['unknown group', () => hostdev.pci('03:00.0', { driver: { group: 'yes' as never } }), 'invalid-value', '/hostdev/driver/@group'],
    ['bad mdev uuid', () => hostdev.mdev('nope'), 'invalid-value', '/hostdev/source/address/@uuid'],
    ['relative image', () => disk.file('images/a.qcow2'), 'invalid-value', '/disk/source/@file'],
    ['target off its bus', () => disk.file('/a.img', { dev: 'sda' }), 'invalid-value', '/disk/target/@dev'],
    ['bad target', () => disk.file('/a.img', { dev: 'disk1' }), 'invalid-value', '/disk/target/@dev'],
    ['virtio cdrom', () => disk.cdrom('/x.iso', { bus: 'virtio' }), 'unsupported', '/disk/target/@bus'],
    ['unknown bus', () => disk.file('/a.img', { bus: 'pci' as never }), 'invalid-value', '/disk/target/@bus'],
    ['network disk without host', () => disk.network({ protocol: 'iscsi', name: 'iqn.2020-01.example:t/1' }), 'missing-element', '/disk/source/host'],
    ['multicast mac', () => iface.network('default', { mac: '01:00:5e:00:00:01' }), 'invalid-value', '/interface/mac/@address'],
    ['bad mac', () => iface.network('default', { mac: '52:54:00:12:34' }), 'invalid-value', '/interface/mac/@address'],
    ['vlan out of range', () => iface.bridge('br0', { vlan: 5000 }), 'invalid-value', '/interface/vlan/tag[1]/@id'],
    ['empty network name', () => iface.network(''), 'invalid-value', '/interface/source/@network'],
    ['listen not an address', () => graphics.vnc({ listen: 'localhost' }), 'invalid-value', '/graphics/listen/@address'],
    ['low vnc port', () => graphics.vnc({ port: 22 }), 'invalid-value', '/graphics/@port'],
    ['memory without unit', () => domain({ name: 'x', memory: '4096', vcpus: 1 }), 'invalid-value', '/domain/memory'],
    ['unknown unit', () => domain({ name: 'x', memory: '4 GiG', vcpus: 1 }), 'invalid-value', '/domain/memory'],
    ['zero vcpus', () => domain({ name: 'x', memory: '1 GiB', vcpus: 0 }), 'invalid-value', '/domain/vcpu'],
    ['slash in name', () => domain({ name: 'a/b', memory: '1 GiB', vcpus: 1 }), 'invalid-value', '/domain/name'],
    ['current above memory', () => domain({ name: 'x', memory: '1 GiB', currentMemory: '2 GiB', vcpus: 1 }), 'invalid-value', '/domain/currentMemory'],
    ['topology mismatch', () => domain({ name: 'x', memory: '1 GiB', vcpus: 4, cpu: { mode: 'host-passthrough', topology: { sockets: 1, cores: 2, threads: 1 } } }), 'invalid-value', '/domain/cpu/topology'],
    ['secure boot on bios', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, os: { secureBoot: true } }), 'unsupported', '/domain/os/firmware'],
    ['plain object as device', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, devices: [{ type: 'pci' } as never] }), 'invalid-value', '/domain/devices'],
    ['same host device twice', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, devices: [hostdev.pci('03:00.0'), iface.hostdev('0000:03:00.0')] }), 'duplicate', '/domain/devices/interface'],
    ['same hostdev twice', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, devices: [hostdev.pci('03:00.0'), hostdev.pci('0000:03:00.0')] }), 'duplicate', '/domain/devices/hostdev[2]'],
    ['same target twice', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, devices: [disk.file('/a', { dev: 'vda' }), disk.file('/b', { dev: 'vda' })] }), 'duplicate', '/domain/devices/disk[2]/target/@dev'],
    ['same boot order twice', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, devices: [disk.file('/a', { bootOrder: 1 }), iface.network('n', { bootOrder: 1 })] }), 'duplicate', '/domain/devices/interface/boot'],
    ['boot order with os boot', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, os: { boot: ['hd'] }, devices: [disk.file('/a', { bootOrder: 1 })] }), 'unsupported', '/domain/devices/disk/boot'],
    ['boot order used by a disk and a hostdev', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, devices: [disk.file('/a'), disk.file('/b', { bootOrder: 2 }), hostdev.pci('03:00.0', { bootOrder: 2 })] }), 'duplicate', '/domain/devices/hostdev/boot'],
    ['extra memballoon', () => domain({ name: 'x', memory: '1 GiB', vcpus: 1, extraDevices: { memballoon: { model: 'none' } } as never }), 'invalid-value', '/domain/devices/memballoon'],
    ['relative rng source', () => rng.virtio({ source: 'urandom' }), 'invalid-value', '/rng/backend'],
    ['crb TPM 1.2', () => tpm.emulator({ version: '1.2', model: 'tpm-crb' }), 'unsupported', '/tpm/@model'],
    ['cidr without prefix', () => network.nat({ name: 'n', ip: '192.168.1.1' }), 'invalid-value', '/network/ip'],
    ['network address as bridge ip', () => network.nat({ name: 'n', ip: '192.168.1.0/24' }), 'invalid-value', '/network/ip/@address'],
    ['dhcp outside the subnet', () => network.nat({ name: 'n', ip: '192.168.1.1/24', dhcp: { start: '192.168.2.2', end: '192.168.2.9' } }), 'invalid-value', '/network/ip/dhcp/range/@start'],
    ['pool with pf and addresses', () => network.hostdevPool({ name: 'p', pf: 'eth0', addresses: ['03:10.0'] }), 'missing-element', '/network/forward'],
    ['pool without devices', () => network.hostdevPool({ name: 'p' }), 'missing-element', '/network/forward'],
    ['pool address twice', () => network.hostdevPool({ name: 'p', addresses: ['03:10.0', '0000:03:10.0'] }), 'duplicate', '/network/forward/address[2]'],
    ['pool bad address', () => network.hostdevPool({ name: 'p', addresses: ['03:10.0', '3:10.0'] }), 'invalid-address', '/network/forward/address[2]'],
  ];
  it.each(cases)('%s', (_name, fn, code, path) => {
    const e = refusal(fn);
    expect(e.code).toBe(code);
    expect(e.path).toBe(path);
    expect(e.message).toContain(path);
  });

  it('offers each attribute the <driver> declaration declares, under its XML name, checked by its declared value type', () => {
    const samples: Record<string, string | boolean> = { name: 'vfio', model: 'vfio-pci-igb', group: 'auto', iommufd: true };
    const declared = Object.entries(hostdevDriverDecl.fields).flatMap(([k, f]) => (f.kind === 'attr' ? [[xmlNameOf(k, f), k] as const] : []));
    expect(Object.keys(samples).sort()).toEqual(declared.map(([x]) => x).sort());
    for (const [xml, key] of declared) {
      const h = hostdev.pci('03:00.0', { driver: { [xml]: samples[xml] } });
      expect(h.driver, xml).toEqual({ [key]: samples[xml] });
    }
    expect(() => hostdev.pci('03:00.0', { driver: { name: 'qemu' as never } })).toThrow("driver name must be 'kvm', 'vfio' or 'xen', got 'qemu'");
    expect(() => hostdev.pci('03:00.0', { driver: { model: 'a b' } })).toThrow('driver model must be a genericName');
  });

  it('refuses what the types refuse (compile-time checks)', () => {
    // @ts-expect-error group is 'auto' or absent
    expect(() => hostdev.pci('03:00.0', { driver: { group: 'default' } })).toThrow(VirtXmlError);
    // @ts-expect-error a hostdev interface has no NIC model
    expect(() => iface.hostdev('03:10.0', { model: 'virtio' })).toThrow(VirtXmlError);
    // @ts-expect-error memory needs a unit: a bare number is not a MemorySize
    expect(() => domain({ name: 'x', memory: 4096, vcpus: 1 })).toThrow(VirtXmlError);
  });
});

describe('parsePciAddress', () => {
  it('reads the two spellings and nothing else', () => {
    expect(parsePciAddress('0000:03:00.1')).toEqual({ domain: 0, bus: 3, slot: 0, function: 1 });
    expect(parsePciAddress('0001:ff:1f.7')).toEqual({ domain: 1, bus: 255, slot: 31, function: 7 });
    expect(parsePciAddress('03:00.1')).toEqual({ domain: 0, bus: 3, slot: 0, function: 1 });
    for (const bad of ['', '0000:03:00', '000:03:00.0', '0000:3:00.0', '0000:03:0.0', '0000:03:00.0 ', 'x0000:03:00.0', '0000-03-00.0', '0000:03:00.a']) {
      expect(refusal(() => parsePciAddress(bad)).code, bad).toBe('invalid-address');
    }
  });

  it('on any string: an address that prints back the same, or a VirtXmlError (never a crash)', () => {
    const hex = (n: number) => fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'), { minLength: 0, maxLength: n }).map((a) => a.join(''));
    const near = fc.tuple(hex(9), hex(3), hex(3), hex(2)).map(([d, b, s, f]) => `${d}:${b}:${s}.${f}`);
    fc.assert(
      fc.property(fc.oneof(fc.string(), near), (text) => {
        let a;
        try {
          a = parsePciAddress(text);
        } catch (e) {
          expect(e).toBeInstanceOf(VirtXmlError);
          expect((e as VirtXmlError).code).toBe('invalid-address');
          return;
        }
        const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
        const printed = `${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.slot, 2)}.${a.function}`;
        expect(printed.toLowerCase()).toBe((text.split(':').length === 2 ? '0000:' + text : text).toLowerCase().replace(/^0*([0-9a-f]{4,}):/, '$1:'));
      }),
      { numRuns: 2000 },
    );
  });
});
