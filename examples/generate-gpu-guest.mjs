#!/usr/bin/env node
// Builders -> XML -> validate: a GPU guest with its IOMMU group managed (group='auto'), the SR-IOV
// network its second NIC comes from, and the same guest for an upstream libvirt.
//   node examples/generate-gpu-guest.mjs [--write DIR]     (npm run examples runs it; exit 1 if invalid)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, validateXml } from 'virtxml';

const { domain, disk, iface, hostdev, graphics, video, input, serial, console: con, channel, network } = build;

const pool = network.hostdevPool({
  name: 'sriov-pool',
  addresses: ['0000:03:10.0', '0000:03:10.1', '0000:03:10.2'],
  driver: { name: 'vfio', group: 'auto' },
});

const vm = domain({
  name: 'gpu-guest',
  uuid: '5b2a6c1e-0f7d-4c1a-9a52-3d1c8e0b7f11',
  memory: '8 GiB',
  vcpus: 4,
  cpu: 'host-passthrough',
  os: { firmware: 'efi' },
  emulator: '/usr/bin/qemu-system-x86_64',
  devices: [
    disk.file('/var/lib/libvirt/images/gpu-guest.qcow2'),
    iface.network('sriov-pool', { mac: '52:54:00:aa:01:01' }),
    iface.network('default', { mac: '52:54:00:aa:01:02' }),
    hostdev.pci('0000:01:00.0', { driver: { name: 'vfio', group: 'auto' } }),
    hostdev.pci('0000:01:00.1', { driver: { name: 'vfio', group: 'auto' } }),
    graphics.spice(),
    video.virtio(),
    input.tablet(),
    serial.pty(),
    con.pty(),
    channel.guestAgent(),
  ],
});

const outputs = [
  { file: 'gpu-guest.xml', xml: vm.toXml(), profile: 'virtxml' },
  { file: 'gpu-guest.upstream.xml', xml: vm.toXml({ stripExtensions: true }), profile: 'libvirt' },
  { file: 'sriov-pool.xml', xml: pool.toXml(), profile: 'virtxml' },
];

let invalid = 0;
const dirArg = process.argv.indexOf('--write');
const dir = dirArg > 0 ? process.argv[dirArg + 1] : undefined;
if (dir) mkdirSync(dir, { recursive: true });
for (const o of outputs) {
  const r = validateXml(o.xml, { profile: o.profile, file: o.file });
  if (!r.valid) invalid++;
  for (const d of r.diagnostics) console.error(`${o.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}] (${d.path})`);
  if (dir) writeFileSync(join(dir, o.file), o.xml);
  else console.log(`<!-- ${o.file}: ${r.valid ? 'valid' : 'INVALID'} (profile ${o.profile}) -->\n${o.xml}`);
}
// the extension is virtxml's: upstream libvirt's profile must refuse the unstripped guest
if (validateXml(vm.toXml(), { profile: 'libvirt' }).valid) {
  console.error("gpu-guest.xml: expected the libvirt profile to refuse group='auto'");
  invalid++;
}
process.exit(invalid ? 1 : 0);
