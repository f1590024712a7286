/**
 * Version-aware validation: the `rng` layer against the schemas of the
 * target libvirt release (9.0, 10.7, 11.3, 12.9), diagnostics naming the
 * release that introduced a name newer than the target, and `virtxml
 * validate --libvirt`. Our own fixtures.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { LIBVIRT_RELEASES, validateXml } from '../src/validate/index.js';
import { sinceOf } from '../src/validate/rng/since.js';
import { minimalDomain } from './helpers/domain.js';

const domain = (devices: string, top = '') => minimalDomain(devices, top);

const IOMMUFD = domain(`    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio' iommufd='yes'/>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x2'/>
      </source>
    </hostdev>`);

describe('validateXml({ libvirt })', () => {
  it('defaults to the newest release and says which one it used', () => {
    const r = validateXml(IOMMUFD, { profile: 'rng' });
    expect(r.libvirt).toBe(LIBVIRT_RELEASES[LIBVIRT_RELEASES.length - 1]);
    expect(r.valid).toBe(true);
  });

  it('names the release that introduced a name newer than the target, at its place', () => {
    const since = sinceOf('domain', 'hostdev>driver@iommufd');
    expect(since).toBe('12.9');
    for (const target of ['9.0', '10.7', '11.3'] as const) {
      const r = validateXml(IOMMUFD, { profile: 'rng', libvirt: target });
      expect(r.valid).toBe(false);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({
        code: 'rng-newer-libvirt',
        line: 9,
        column: 27,
        path: '/domain/devices/hostdev/driver/@iommufd',
      });
      expect(r.diagnostics[0]!.message).toMatch(new RegExp(`^attribute 'iommufd' of <driver> needs libvirt 12\\.9 or later.*; the target is ${target.replace('.', '\\.')}$`));
    }
  });

  it('a value newer than the target, and an element', () => {
    const amd = domain(`    <iommu model='amd'/>`);
    expect(validateXml(amd, { profile: 'rng', libvirt: '12.9' }).valid).toBe(true);
    expect(validateXml(amd, { profile: 'rng', libvirt: '11.3' }).diagnostics.map((d) => d.message)).toEqual([
      "model='amd' on <iommu> needs libvirt 12.9 or later; the target is 11.3",
    ]);
    const pstore = domain(`    <pstore backend='acpi-erst'>\n      <path>/tmp/guest_acpi_esrt</path>\n      <size unit='KiB'>8</size>\n    </pstore>`);
    expect(validateXml(pstore, { profile: 'rng', libvirt: '10.7' }).valid).toBe(true);
    expect(validateXml(pstore, { profile: 'rng', libvirt: '9.0' }).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['rng-newer-libvirt', '<pstore> needs libvirt 10.7 or later; the target is 9.0'],
    ]);
  });

  it('a device snippet of a kind the target does not have', () => {
    const crypto = `<crypto model='virtio' type='qemu'>\n  <backend model='builtin' queues='1'/>\n</crypto>\n`;
    expect(validateXml(crypto, { kind: 'crypto', profile: 'rng', libvirt: '10.7' }).valid).toBe(true);
    expect(validateXml(crypto, { kind: 'crypto', profile: 'rng', libvirt: '9.0' }).diagnostics).toMatchObject([
      { code: 'rng-newer-libvirt', message: '<crypto> needs libvirt 10.7 or later; the target is 9.0', line: 1, column: 1 },
    ]);
  });

  it('the same verdict as before for what every release has; other problems keep their codes', () => {
    const bad = domain(`    <memballoon model='virtio-bogus'/>`);
    for (const libvirt of LIBVIRT_RELEASES) {
      expect(validateXml(domain(`    <memballoon model='virtio'/>`), { profile: 'rng', libvirt }).valid, libvirt).toBe(true);
      expect(validateXml(bad, { profile: 'rng', libvirt }).diagnostics.map((d) => d.code), libvirt).toEqual(['rng-invalid-value']);
    }
  });

  it('refuses an unknown release', () => {
    expect(() => validateXml(IOMMUFD, { libvirt: '8.0' as never })).toThrow(/unknown libvirt release '8.0'/);
  });
});

describe('virtxml validate --libvirt', () => {
  let out = '';
  let err = '';
  let dir: string;
  beforeEach(() => {
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    dir = mkdtempSync(join(tmpdir(), 'virtxml-releases-'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates for the release asked for', async () => {
    const f = join(dir, 'vm.xml');
    writeFileSync(f, IOMMUFD);
    expect(await main(['validate', '--profile', 'rng', f])).toBe(0);
    expect(await main(['validate', '--profile', 'rng', '--libvirt', '9.0', f])).toBe(1);
    expect(out).toBe(
      `${f}:9:27: error: attribute 'iommufd' of <driver> needs libvirt 12.9 or later (libvirt 11.3's schemas do not have it); the target is 9.0 [rng-newer-libvirt] (/domain/devices/hostdev/driver/@iommufd)\n`,
    );
  });

  it('a release it does not know is a usage error', async () => {
    expect(await main(['validate', '--libvirt', '8.5', join(dir, 'x.xml')])).toBe(2);
    expect(err).toContain("unknown libvirt release '8.5' (9.0, 10.7, 11.3, 12.9)");
  });
});

describe("libxml2's nested interleaves (libvirt's validator)", () => {
  const top = (...names: string[]) => {
    const el: Record<string, string> = {
      name: '  <name>vm</name>',
      uuid: '  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>',
      memory: "  <memory unit='KiB'>1048576</memory>",
      currentMemory: "  <currentMemory unit='KiB'>1048576</currentMemory>",
      vcpu: '  <vcpu>1</vcpu>',
      os: '  <os>\n    <type>hvm</type>\n  </os>',
      seclabel: "  <seclabel type='none'/>",
      seclabel2: "  <seclabel type='none' model='dac'/>",
    };
    return `<domain type='kvm'>\n${names.map((n) => el[n]).join('\n')}\n</domain>\n`;
  };

  it("refuses <uuid> after <memory> where libxml2 does (10.7's nested ids/resources interleaves), and says it is libvirt's validator", () => {
    const xml = top('name', 'memory', 'uuid', 'vcpu', 'os');
    for (const libvirt of ['9.0', '10.7'] as const) {
      const r = validateXml(xml, { profile: 'rng', libvirt });
      expect(r.valid, libvirt).toBe(false);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({ code: 'rng-libxml2-order', line: 4, column: 3, path: '/domain/uuid' });
      expect(r.diagnostics[0]!.message).toContain("libvirt's validator (libxml2) refuses this order of elements: <uuid> after <memory>");
      expect(r.diagnostics[0]!.message).toContain('"Extra element uuid in interleave"');
    }
    // 11.3 and later have <name>/<uuid> in the domain's own interleave: the same order is fine
    for (const libvirt of ['11.3', '12.9'] as const) expect(validateXml(xml, { profile: 'rng', libvirt }).valid, libvirt).toBe(true);
    // the other profiles carry the rng verdict
    expect(validateXml(xml, { libvirt: '10.7' }).diagnostics.map((d) => d.code)).toContain('rng-libxml2-order');
  });

  it('accepts the orders libxml2 accepts', () => {
    for (const order of [
      ['name', 'memory', 'uuid', 'os'],
      ['name', 'uuid', 'memory', 'vcpu', 'os'],
      ['memory', 'name', 'vcpu', 'uuid', 'os'],
      ['name', 'vcpu', 'uuid', 'os'],
      ['name', 'memory', 'os', 'uuid'],
    ]) {
      expect(validateXml(top(...order), { profile: 'rng', libvirt: '10.7' }).valid, order.join(' ')).toBe(true);
    }
  });

  it('the same class in 12.9: a chain through a nested interleave that ran before it', () => {
    // <seclabel> is checked after the nested `resources` interleave (<memory>, <vcpu>), which
    // rebuilt the sibling links between <memory> and <vcpu>: libxml2 then meets <vcpu> in the
    // seclabel chain ("Expecting element seclabel, got vcpu"; "Extra element vcpu in interleave")
    const xml = top('name', 'memory', 'seclabel', 'vcpu', 'seclabel2', 'os');
    const r = validateXml(xml, { profile: 'rng', libvirt: '12.9' });
    expect(r.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([['rng-libxml2-order', 5, '/domain/vcpu']]);
    expect(r.diagnostics[0]!.message).toContain('<vcpu> after <seclabel>');
    expect(validateXml(top('name', 'memory', 'seclabel', 'seclabel2', 'vcpu', 'os'), { profile: 'rng' }).valid).toBe(true);
  });
});
