/**
 * IOMMU-group analysis (libvirt-semantics.md §3.4) on our desktop fixture
 * (GPU + HDMI audio behind a root port, SR-IOV NIC, chipset group) and on
 * the virpcimock fixture.
 */
import { describe, expect, it } from 'vitest';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import {
  classifyDriver,
  criticalClassReason,
  criticalDevices,
  driverKind,
  groupViability,
  listIommuGroups,
  type DriverKind,
} from '../src/pci/groups.js';
import type { PciTopology } from '../src/pci/topology.js';
import { loadFixtureTopology } from './helpers/pci-reads.js';

const gpu = () => new MemoryPciHost(loadFixtureTopology('gpu-topology.json'));
const toVfio = (h: MemoryPciHost, a: string, stub = 'vfio-pci') => {
  h.setDriverOverride(a, stub);
  if (h.driver(a)) h.unbind(a);
  h.probe(a);
};

describe('listIommuGroups', () => {
  it('lists every group with its members, ids, classes, drivers and kinds', () => {
    const groups = listIommuGroups(gpu());
    expect(groups.map((g) => g.group)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(groups[1]).toEqual({
      group: 1,
      members: [
        { address: '0000:00:01.0', vendor: 0x8086, device: 0x1901, class: 0x060400, headerType: 'bridge', driver: 'pcieport', kind: 'bridge-port' },
        { address: '0000:01:00.0', vendor: 0x10de, device: 0x1b81, class: 0x030000, headerType: 'endpoint', driver: 'nouveau', kind: 'host' },
        { address: '0000:01:00.1', vendor: 0x10de, device: 0x10f0, class: 0x040300, headerType: 'endpoint', driver: 'snd_hda_intel', kind: 'host' },
      ],
    });
    expect(groups[0]!.members[0]).toMatchObject({ address: '0000:00:00.0', driver: undefined, kind: 'none' });
    expect(groups[6]!.members.map((m) => m.address)).toEqual(['0000:00:1f.0', '0000:00:1f.2', '0000:00:1f.4']);
  });

  it('is empty without an IOMMU', () => {
    const h = new MemoryPciHost({ drivers: [], devices: [{ address: '0000:00:00.0', vendor: 0x8086, device: 1, class: 0x060000 }] });
    expect(listIommuGroups(h)).toEqual([]);
  });
});

describe('groupViability', () => {
  it('the GPU group is not viable while the GPU and its audio have host drivers; the root port does not count', () => {
    const h = gpu();
    expect(groupViability(h, 1)).toEqual({
      viable: false,
      reasons: ['0000:01:00.0 is bound to host driver nouveau', '0000:01:00.1 is bound to host driver snd_hda_intel'],
    });
    toVfio(h, '0000:01:00.0');
    expect(groupViability(h, 1)).toEqual({ viable: false, reasons: ['0000:01:00.1 is bound to host driver snd_hda_intel'] });
    toVfio(h, '0000:01:00.1');
    expect(groupViability(h, 1)).toEqual({ viable: true, reasons: [] });
  });

  it('pci-stub and unbound members are fine; pciback is not', () => {
    const h = gpu();
    toVfio(h, '0000:01:00.0');
    toVfio(h, '0000:01:00.1', 'pci-stub');
    expect(h.driver('0000:01:00.1')).toBe('pci-stub');
    expect(groupViability(h, 1).viable).toBe(true);
    h.unbind('0000:01:00.1');
    expect(groupViability(h, 1).viable).toBe(true);

    const xen: PciTopology = {
      drivers: [{ name: 'pciback' }],
      devices: [{ address: '0000:05:00.0', vendor: 0x8086, device: 0x10c9, class: 0x020000, driver: 'pciback', iommuGroup: 3 }],
    };
    expect(groupViability(new MemoryPciHost(xen), 3)).toEqual({ viable: false, reasons: ['0000:05:00.0 is bound to the Xen stub pciback'] });
  });

  it('a VF alone in its group becomes viable when it is on vfio-pci', () => {
    const h = gpu();
    expect(groupViability(h, 3).viable).toBe(false);
    toVfio(h, '0000:03:10.0');
    expect(groupViability(h, 3).viable).toBe(true);
    expect(groupViability(h, 4).viable).toBe(false);
  });

  it('a group of unbound devices is viable; a group with no devices is not', () => {
    const h = new MemoryPciHost(loadFixtureTopology('virpcimock-topology.json'));
    expect(groupViability(h, 7)).toEqual({ viable: true, reasons: [] });
    expect(groupViability(h, 8).reasons).toEqual(['0000:0a:01.0 is bound to host driver i915']);
    expect(groupViability(h, 42)).toEqual({ viable: false, reasons: ['IOMMU group 42 has no devices'] });
  });
});

describe('criticalDevices', () => {
  it('reports the ISA bridge and SMBus of the chipset group (not SATA), and the host bridge', () => {
    const h = gpu();
    expect(criticalDevices(h, 6)).toEqual([
      { address: '0000:00:1f.0', class: 0x060100, reason: '0000:00:1f.0 is an ISA bridge (class 0x060100): the host needs it' },
      { address: '0000:00:1f.4', class: 0x0c0500, reason: '0000:00:1f.4 is an SMBus controller (class 0x0c0500): the host needs it' },
    ]);
    expect(criticalDevices(h, 0)).toEqual([
      { address: '0000:00:00.0', class: 0x060000, reason: '0000:00:00.0 is a host bridge (class 0x060000): the host needs it' },
    ]);
    for (const g of [1, 2, 3, 7]) expect(criticalDevices(h, g)).toEqual([]);
  });

  it('criticalClassReason looks at base class and subclass only', () => {
    expect(criticalClassReason(0x060000)).toBe('a host bridge (class 0x060000)');
    expect(criticalClassReason(0x0601ff)).toBe('an ISA bridge (class 0x0601ff)');
    expect(criticalClassReason(0x0c0500)).toBe('an SMBus controller (class 0x0c0500)');
    expect(criticalClassReason(0x060400)).toBeUndefined();
    expect(criticalClassReason(0x0c0330)).toBeUndefined();
  });
});

describe('driverKind', () => {
  it('classifies every kind of driver', () => {
    const t: PciTopology = {
      drivers: ['vfio-pci', 'mlx5_vfio_pci', 'pciback', 'pci-stub', 'pcieport', 'e1000e'].map((name) => ({ name })),
      devices: [
        ['0000:00:01.0', 'vfio-pci'],
        ['0000:00:02.0', 'mlx5_vfio_pci', true],
        ['0000:00:03.0', 'pciback'],
        ['0000:00:04.0', 'pci-stub'],
        ['0000:00:05.0', 'pcieport'],
        ['0000:00:06.0', undefined],
        ['0000:00:07.0', 'e1000e'],
      ].map(([address, driver, vfioDev]) => ({
        address: address as string,
        vendor: 0x8086,
        device: 0x10d3,
        class: 0x020000,
        ...(driver ? { driver: driver as string } : {}),
        ...(vfioDev ? { vfioDev: true } : {}),
      })),
    };
    const h = new MemoryPciHost(t);
    expect(h.listDevices().map((a) => driverKind(h, a))).toEqual<DriverKind[]>(['vfio', 'vfio', 'xen', 'stub', 'bridge-port', 'none', 'host']);
  });

  it('classifyDriver: vfio-dev/ only matters for drivers that are not known by name', () => {
    expect(classifyDriver('vfio-pci', false)).toBe('vfio');
    expect(classifyDriver('igb', true)).toBe('vfio');
    expect(classifyDriver('igb', false)).toBe('host');
    expect(classifyDriver('pci-stub', true)).toBe('stub');
    expect(classifyDriver(undefined, false)).toBe('none');
  });
});
