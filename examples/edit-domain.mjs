#!/usr/bin/env node
// Parse -> edit -> write back: give examples/domains/nic-guest.xml more memory, a VFIO GPU and a
// cdrom, keep everything else as it was, and check the result.
//   node examples/edit-domain.mjs [FILE]     (npm run examples runs it; exit 1 on a problem)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, formatDomainXml, parseDomainXml, validateXml } from 'virtxml';

const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'domains', 'nic-guest.xml');
const original = readFileSync(file, 'utf8');
const vm = parseDomainXml(original, { file });
const problems = [];

// 1. lossless: an untouched def writes back the same bytes (the file is in canonical form)
if (formatDomainXml(vm) !== original) problems.push(`${file} is not in libvirt's canonical form (virtxml fmt --check)`);

// 2. edit it as data; the builders make the new devices
vm.memory = build.parseMemorySize('4 GiB', '/domain/memory');
vm.devices ??= {};
(vm.devices.hostdevs ??= []).push(build.hostdev.pci('0000:01:00.0', { driver: { name: 'vfio', group: 'auto' } }));
(vm.devices.disks ??= []).push(build.disk.cdrom('/var/lib/libvirt/isos/tools.iso'));
const vf = vm.devices.interfaces?.find((i) => i.type === 'hostdev');
if (vf && vf.type === 'hostdev') vf.vlan = { tags: [{ id: 43 }] };

// 3. write back and check
const edited = formatDomainXml(vm);
const r = validateXml(edited, { file });
for (const d of r.diagnostics) problems.push(`${d.line}:${d.column}: ${d.message} [${d.code}] (${d.path})`);
if (formatDomainXml(parseDomainXml(edited)) !== edited) problems.push('the edited XML does not read back to itself');
for (const must of ["<memory unit='KiB'>4194304</memory>", "<driver name='vfio' group='auto'/>", "<tag id='43'/>", "<target dev='sda' bus='sata'/>", "<mac address='52:54:00:bb:02:01'/>"]) {
  if (!edited.includes(must)) problems.push(`edited XML lacks ${must}`);
}

console.log(edited);
for (const p of problems) console.error(`edit-domain: ${p}`);
process.exit(problems.length ? 1 : 0);
