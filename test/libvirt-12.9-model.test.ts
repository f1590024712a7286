/**
 * The model is libvirt 12.9's: what 11.x and 12.x added to domain.rng,
 * network.rng and networkport.rng is declared and typed, and libvirt 12.9's
 * own output for our inputs (test/fixtures/libvirt-12.9) round-trips byte for
 * byte, is valid for 12.9's schemas, and names the release each new name
 * needs when validated for an older one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatDomainXml,
  formatNetworkPortXml,
  formatNetworkXml,
  parseDomainXml,
  parseNetworkPortXml,
  parseNetworkXml,
} from '../src/index.js';
import { validateXml } from '../src/validate/index.js';

const DIR = join(__dirname, 'fixtures', 'libvirt-12.9');
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');
const files = readdirSync(DIR).filter((n) => n.endsWith('.xml'));

function roundTrip(name: string, text: string): string {
  if (name.startsWith('networkport-')) return formatNetworkPortXml(parseNetworkPortXml(text));
  if (name.startsWith('network-')) return formatNetworkXml(parseNetworkXml(text));
  return formatDomainXml(parseDomainXml(text));
}

describe('libvirt 12.9 additions', () => {
  it.each(files)('%s: byte-identical round trip, valid for 12.9, refused with the release for 9.0', (name) => {
    const text = read(name);
    expect(roundTrip(name, text)).toBe(text);
    expect(validateXml(text, { profile: 'rng', libvirt: '12.9' }).diagnostics).toEqual([]);
    const old = validateXml(text, { profile: 'rng', libvirt: '9.0' });
    expect(old.valid).toBe(false);
    expect(old.diagnostics.some((d) => d.code === 'rng-newer-libvirt' && / needs libvirt 1\d\.\d or later/.test(d.message))).toBe(true);
  });

  it('types the new hostdev/VFIO fields', () => {
    const d = parseDomainXml(read('domain-iommufd-throttle-smmuv3.xml'));
    expect(d.iommufd).toEqual({ enabled: true, fdgroup: 'grp' });
    expect(d.hwuuid).toBe('c7a5fdbd-edaf-9455-926a-d65c16db1810');
    const hostdev = d.devices!.hostdevs![0]! as { driver?: { name?: string; iommufd?: boolean } };
    expect(hostdev.driver).toMatchObject({ name: 'vfio', iommufd: true });
    expect(d.throttlegroups?.groups?.[0]).toMatchObject({ group_name: 'limit0', total_bytes_sec: 10000, total_iops_sec: 100 });
    const iommu = d.devices!.iommu! as { model: string; driver?: Record<string, unknown> };
    expect(iommu.driver).toMatchObject({ pciBus: 1, accel: true, cmdqv: true, ats: true, ril: true, ssidsize: 20, oas: 44 });
    const net = parseNetworkXml(read('network-hostdev-iommufd.xml'));
    expect(net.forward?.driver).toMatchObject({ name: 'vfio', iommufd: true });
    const port = parseNetworkPortXml(read('networkport-plug-iommufd.xml'));
    expect((port.plug as { driver?: { iommufd?: boolean } }).driver?.iommufd).toBe(true);
  });

  it('types TDX launch security, varstore, shim and energytune', () => {
    const tdx = parseDomainXml(read('domain-tdx-shim-virtio-iommu.xml'));
    expect(tdx.launchSecurity).toMatchObject({ type: 'tdx', policy: 0x10000001, quoteGenerationService: { path: '/var/run/tdx-qgs/qgs.socket' } });
    expect(tdx.os!.shim).toBe('/boot/shim.efi');
    expect(parseDomainXml(read('domain-varstore.xml')).os!.varstore).toEqual({ template: '/usr/share/vars.json', path: '/var/lib/v.json' });
    const e = parseDomainXml(read('domain-hwuuid-energytune-amd-iommu.xml'));
    expect(e.cputune!.energytunes![0]).toMatchObject({ vcpus: '0-1', monitors: [{ vcpus: '0' }, { vcpus: '1' }] });
  });
});
