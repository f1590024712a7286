/**
 * The CLI on libvirt's node-device XML: `iommu --format nodedev` writes a
 * host as <device> documents (valid for libvirt's nodedev.rng, checked with
 * xmllint when present), `iommu --nodedev` and `hostdev plan --nodedev` read
 * them back and say what they say on the host itself; `validate --domcaps`.
 */
import { captureStdio } from './helpers/capture.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cmdHostdev } from '../src/cli/hostdev.js';
import { cmdIommu } from '../src/cli/iommu.js';
import { cmdValidate } from '../src/cli/validate.js';
import { jsonToXml, xmlToJson } from '../src/cli/convert.js';

const GPU = join(__dirname, 'fixtures', 'gpu-topology.json');
const VM = join(__dirname, 'fixtures', 'vm-group-auto.xml');
const SCHEMAS = [join('/opt', 'libvirt-chroot', 'usr', 'share', 'libvirt', 'schemas'), join(__dirname, '..', '..', 'shared', 'libvirt-corpus', 'schemas')].find((d) =>
  existsSync(join(d, 'nodedev.rng')),
);
const XMLLINT = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
const DOMCAPS = join(__dirname, '..', '..', 'shared', 'libvirt-corpus', 'tests', 'domaincapsdata');

const io = captureStdio('virtxml-nodedev-cli-');

function run(cmd: (args: string[]) => number, args: string[]): { code: number; out: string; err: string } {
  io.out = '';
  io.err = '';
  const code = cmd(args);
  return { code, out: io.out, err: io.err };
}

async function runAsync(cmd: (args: string[]) => Promise<number>, args: string[]): Promise<{ code: number; out: string; err: string }> {
  io.out = '';
  io.err = '';
  const code = await cmd(args);
  return { code, out: io.out, err: io.err };
}

describe('node-device XML on the command line', () => {
  it('iommu --format nodedev writes the host; --nodedev reads it back (file or directory) to the same report', () => {
    const xml = run(cmdIommu, ['--topology', GPU, '--format', 'nodedev']);
    expect(xml.code).toBe(0);
    // 12 PCI devices and the 5 interfaces the topology shows as net devices
    expect(xml.out.match(/<device>/g)).toHaveLength(17);
    expect(xml.out).toContain("<name>net_enp3s0f0</name>\n  <parent>pci_0000_03_00_0</parent>");
    expect(xml.out).toContain("<name>pci_0000_01_00_0</name>\n  <driver>\n    <name>nouveau</name>\n  </driver>");
    const file = join(io.dir, 'host.xml');
    writeFileSync(file, xml.out);
    const direct = run(cmdIommu, ['--topology', GPU]);
    expect(run(cmdIommu, ['--nodedev', file])).toEqual(direct);
    const devdir = join(io.dir, 'devices');
    mkdirSync(devdir);
    xml.out.split(/(?<=<\/device>\n)/).forEach((doc, i) => writeFileSync(join(devdir, `dev${String(i).padStart(2, '0')}.xml`), doc));
    expect(run(cmdIommu, ['--nodedev', devdir])).toEqual(direct);
    expect(run(cmdIommu, ['--nodedev', devdir, '--json']).out).toEqual(run(cmdIommu, ['--topology', GPU, '--json']).out.replace(JSON.stringify(GPU), JSON.stringify(devdir)));
  });

  it.skipIf(!XMLLINT || !SCHEMAS)('--format nodedev output is valid for libvirt nodedev.rng (xmllint)', () => {
    const xml = run(cmdIommu, ['--topology', GPU, '--format', 'nodedev']).out;
    const docs = xml.split(/(?<=<\/device>\n)/).filter((d) => d.trim());
    docs.forEach((doc, i) => writeFileSync(join(io.dir, `d${i}.xml`), doc));
    const files = docs.map((_, i) => join(io.dir, `d${i}.xml`));
    const res = spawnSync('xmllint', ['--noout', '--relaxng', join(SCHEMAS!, 'nodedev.rng'), ...files], { encoding: 'utf8' });
    expect(res.stderr.trim().split('\n').filter((l) => !l.endsWith(' validates'))).toEqual([]);
    expect(res.status).toBe(0);
  });

  it('hostdev plan --nodedev plans as on the host the documents describe', () => {
    const file = join(io.dir, 'host.xml');
    writeFileSync(file, run(cmdIommu, ['--topology', GPU, '--format', 'nodedev']).out);
    const viaTopology = run(cmdHostdev, ['plan', VM, '--topology', GPU, '--allow-missing']);
    expect(viaTopology.code).toBe(0);
    expect(run(cmdHostdev, ['plan', VM, '--nodedev', file, '--allow-missing'])).toEqual(viaTopology);
  });

  it('refuses inconsistent or unreadable node devices with the reason, exit 2', () => {
    const file = join(io.dir, 'bad.xml');
    writeFileSync(
      file,
      `<device>
  <name>pci_0000_02_00_0</name>
  <capability type='pci'>
    <domain>0</domain>
    <bus>2</bus>
    <slot>0</slot>
    <function>0</function>
    <product id='0x10c9'/>
    <vendor id='0x8086'/>
    <iommuGroup number='12'>
      <address domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>
      <address domain='0x0000' bus='0x02' slot='0x00' function='0x1'/>
    </iommuGroup>
  </capability>
</device>
`,
    );
    const r = run(cmdIommu, ['--nodedev', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("IOMMU group 12: member 0000:02:00.1 has no node-device document (its driver decides the group's viability)");
    writeFileSync(file, '<device><name>x</name><capability type="nope"/></device>');
    const bad = run(cmdIommu, ['--nodedev', file]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(`${file}:1:35: error: unknown capability type 'nope' [unknown-variant] (/device/capability/@type)\n`);
    // a second document of a file: its place in the file
    writeFileSync(file, '<device>\n  <name>a</name>\n</device>\n  <device><name>x</name><capability type="nope"/></device>\n');
    expect(run(cmdIommu, ['--nodedev', file]).err).toBe(`${file}:4:37: error: unknown capability type 'nope' [unknown-variant] (/device/capability/@type)\n`);
    expect(run(cmdIommu, ['--nodedev', file, '--topology', GPU]).code).toBe(2);
  });

  it.skipIf(!existsSync(DOMCAPS))('validate --domcaps reports what the host cannot do', async () => {
    const vm = join(io.dir, 'vm.xml');
    writeFileSync(
      vm,
      `<domain type='qemu'>
  <name>vm</name>
  <memory unit='KiB'>1048576</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <cpu mode='host-passthrough'/>
</domain>
`,
    );
    expect(await runAsync(cmdValidate, ['--domcaps', join(DOMCAPS, 'qemu_8.2.0-tcg.x86_64.xml'), vm])).toMatchObject({
      code: 1,
      out: `${vm}:7:8: error: CPU mode 'host-passthrough' for x86_64 qemu domain on x86_64 host is not supported by hypervisor [domcaps-unsupported] (/domain/cpu/@mode)\n`,
    });
    expect((await runAsync(cmdValidate, ['--domcaps', join(DOMCAPS, 'qemu_8.2.0-tcg.x86_64.xml'), '--format', 'json', vm])).code).toBe(1);
    expect(await runAsync(cmdValidate, ['--domcaps', join(io.dir, 'missing.xml'), vm])).toMatchObject({ code: 2 });
    // a --domcaps file that is not one: its diagnostic in the one format, exit 2
    expect(await runAsync(cmdValidate, ['--domcaps', vm, vm])).toEqual({
      code: 2,
      out: '',
      err: `${vm}:1:1: error: unexpected root element <domain>: expected <domainCapabilities> [xml-root] (/domain)\n`,
    });
  });

  it('convert takes the host documents to JSON (checked by their JSON Schema) and back to the same XML', () => {
    const xml = run(cmdIommu, ['--topology', GPU, '--format', 'nodedev']).out.split(/(?<=<\/device>\n)/)[2]!;
    const json = xmlToJson(xml, 'dev.xml');
    expect(JSON.parse(json).capabilities[0].type).toBe('pci');
    expect(jsonToXml(json, 'dev.json', 'nodedev')).toBe(xml);
    const withSchema = JSON.stringify({ $schema: 'https://virtxml.dev/schemas/nodedev.schema.json', ...JSON.parse(json) });
    expect(jsonToXml(withSchema, 'dev.json', undefined)).toBe(xml);
    expect(() => jsonToXml(JSON.stringify({ name: 'x', capabilities: [{ type: 'pci' }] }), 'bad.json', 'nodedev')).toThrow(/required/);
  });
});
