/**
 * The PCI host from libvirt's node-device XML: the PCI <device> documents of
 * libvirt's nodedevschemadata read into a PciHost (groups, viability, a
 * group='auto' plan), the checks on inconsistent document sets, and the
 * reverse view (a host as node-device XML that nodedev.rng accepts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostdevManager } from '../src/hostdev/manager.js';
import { formatNodeDeviceXml, parseNodeDeviceXml, type NodeDeviceDef } from '../src/nodedev/index.js';
import { groupViability, listIommuGroups } from '../src/pci/groups.js';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import { nodeDevicesFromPciHost, pciTopologyFromNodeDevices, UNKNOWN_DRIVER } from '../src/pci/nodedev.js';
import { PciTopologyError, pciTopologyFromJson } from '../src/pci/topology.js';
import { validateXml } from '../src/validate/index.js';
import { pciHostdev } from './hostdev-helpers.js';

const DIR = join(__dirname, '..', '..', 'shared', 'libvirt-corpus', 'tests', 'nodedevschemadata');
const HAVE = existsSync(DIR);
if (!HAVE) console.warn(`libvirt corpus not found at ${DIR}: node-device host tests skipped`);

/**
 * One PCI document per address (the first by file name). Left out:
 * pci_0000_00_1c_0 comes from another host than the wireless card that lists
 * 00:1c.0 in its group; pci_0000_00_02_0 has bus 4294967295 (libvirt's test of
 * an out-of-range value), not a PCI address.
 */
const LEFT_OUT = ['pci_0000_00_1c_0_header_type.xml', 'pci_0000_00_02_0_header_type.xml'];
function corpusPciDevices(): NodeDeviceDef[] {
  const seen = new Set<string>();
  const out: NodeDeviceDef[] = [];
  for (const f of readdirSync(DIR).sort()) {
    if (!f.startsWith('pci_') || LEFT_OUT.includes(f)) continue;
    const def = parseNodeDeviceXml(readFileSync(join(DIR, f), 'utf8'), { file: f });
    const pci = def.capabilities?.find((c) => c.type === 'pci');
    if (pci?.type !== 'pci') continue;
    const key = `${pci.domain}:${pci.bus}:${pci.slot}.${pci.function}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(def);
  }
  return out;
}

describe.skipIf(!HAVE)("a PciHost from libvirt's node devices (nodedevschemadata)", () => {
  it('lists the IOMMU groups with their members, drivers and viability', () => {
    const host = new MemoryPciHost(pciTopologyFromNodeDevices(corpusPciDevices(), { partial: true }));
    const groups = listIommuGroups(host).map((g) => ({ group: g.group, members: g.members.map((m) => `${m.address} ${m.driver ?? '-'}`), viable: groupViability(host, g.group).viable }));
    expect(groups).toEqual([
      { group: 2, members: ['0000:00:03.0 -'], viable: true },
      {
        group: 8,
        members: [
          `0000:00:1c.0 ${UNKNOWN_DRIVER}`,
          `0000:00:1c.1 ${UNKNOWN_DRIVER}`,
          `0000:00:1c.3 ${UNKNOWN_DRIVER}`,
          `0000:00:1c.4 ${UNKNOWN_DRIVER}`,
          '0000:03:00.0 -',
          `0000:0d:00.0 ${UNKNOWN_DRIVER}`,
          `0000:0d:00.1 ${UNKNOWN_DRIVER}`,
          `0000:0d:00.3 ${UNKNOWN_DRIVER}`,
        ],
        viable: false,
      },
      { group: 12, members: ['0000:02:00.0 -', `0000:02:00.1 ${UNKNOWN_DRIVER}`], viable: false },
      { group: 31, members: ['0000:02:10.7 -'], viable: true },
      { group: 65, members: ['0000:42:00.0 -'], viable: true },
    ]);
    // devices without an IOMMU group, and the bound driver of the 82579LM adapter
    expect(host.listDevices()).toContain('0000:01:00.0');
    expect(host.iommuGroup('0000:01:00.0')).toBeUndefined();
    expect(host.driver('0000:00:19.0')).toBe('e1000e');
  });

  it("plans a group='auto' detach: the whole group goes to vfio-pci, the unknown member too", () => {
    const host = new MemoryPciHost(pciTopologyFromNodeDevices(corpusPciDevices(), { partial: true }));
    const mgr = new HostdevManager(host, { readOnly: true });
    const plan = mgr.plan({ op: 'prepare', driver: 'QEMU', domain: 'vm', hostdevs: [pciHostdev('0000:02:00.0', { managed: true, group: true })] });
    expect(plan.groups).toEqual([{ group: 12, change: 'manage', devices: ['0000:02:00.1'] }]);
    expect(plan.steps.filter((s) => s.action !== 'reset').map((s) => [s.action, s.device, s.from ?? null, s.to ?? null])).toEqual([
      ['detach', '0000:02:00.1', UNKNOWN_DRIVER, 'vfio-pci'],
      ['bind', '0000:02:00.0', null, 'vfio-pci'],
    ]);
    // nothing was written
    expect(host.writes()).toEqual([]);
  });

  it('refuses a document set with gaps unless told it is partial, and any contradiction always', () => {
    const defs = corpusPciDevices();
    const problems = (d: NodeDeviceDef[], partial = false) => {
      try {
        pciTopologyFromNodeDevices(d, { partial });
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(PciTopologyError);
        return (e as PciTopologyError).problems;
      }
    };
    expect(problems(defs)).toContain('IOMMU group 12: member 0000:02:00.1 has no node-device document (its driver decides the group\'s viability)');
    const other = parseNodeDeviceXml(readFileSync(join(DIR, 'pci_0000_00_1c_0_header_type.xml'), 'utf8'));
    expect(problems([...defs, other], true)).toEqual([
      'IOMMU group 8: 0000:00:1c.0 lists members 0000:00:1c.0, 0000:03:00.0 lists 0000:00:1c.0 0000:00:1c.1 0000:00:1c.3 0000:00:1c.4 0000:03:00.0 0000:0d:00.0 0000:0d:00.1 0000:0d:00.3',
    ]);
    const bogus = parseNodeDeviceXml(readFileSync(join(DIR, 'pci_0000_00_02_0_header_type.xml'), 'utf8'));
    expect(problems([bogus], true)).toEqual(['pci_0000_00_02_0: not a PCI address: domain 0, bus 4294967295, slot 2, function 0']);
    expect(problems([defs[0]!, defs[0]!])[0]).toMatch(/described twice/);
  });
});

describe('a PciHost as node-device XML', () => {
  const topology = pciTopologyFromJson(readFileSync(join(__dirname, 'fixtures', 'gpu-topology.json'), 'utf8'));
  const host = new MemoryPciHost(topology);

  it('writes every PCI device as a <device> that the nodedev schema accepts, and reads back to the same host', () => {
    const defs = nodeDevicesFromPciHost(host);
    // the PCI devices, then a net device for each interface the host shows (parent: its PCI device)
    expect(defs.map((d) => d.name)).toEqual([
      ...host.listDevices().map((a) => 'pci_' + a.replace(/[:.]/g, '_')),
      ...host.listDevices().flatMap((a) => host.netdevs(a).map((n) => `net_${n}`)),
    ]);
    for (const def of defs) {
      const xml = formatNodeDeviceXml(def);
      const r = validateXml(xml, { profile: 'rng' });
      expect(r.kind).toBe('nodedev');
      expect(r.diagnostics, xml).toEqual([]);
    }
    const back = new MemoryPciHost(pciTopologyFromNodeDevices(defs.map((d) => parseNodeDeviceXml(formatNodeDeviceXml(d)))));
    expect(listIommuGroups(back)).toEqual(listIommuGroups(host));
    for (const a of host.listDevices()) {
      expect(back.info(a)).toEqual(host.info(a));
      expect(back.physicalFunction(a)).toBe(host.physicalFunction(a));
      expect(back.virtualFunctions(a)).toEqual(host.virtualFunctions(a));
    }
  });
});
