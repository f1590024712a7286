/** Test-only: everything a PciHost reports, as one plain value, to compare two hosts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PciHost } from '../../src/pci/host.js';
import { pciTopologyFromJson, type PciTopology } from '../../src/pci/topology.js';

export function loadFixtureTopology(name: string): PciTopology {
  return pciTopologyFromJson(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8'));
}

export function readAll(host: PciHost, driverNames: readonly string[]) {
  const devices = host.listDevices().map((a) => ({
    info: host.info(a),
    exists: host.exists(a),
    driver: host.driver(a),
    driverOverride: host.driverOverride(a),
    hasVfioDev: host.hasVfioDev(a),
    iommuGroup: host.iommuGroup(a),
    physfn: host.physicalFunction(a),
    virtfns: host.virtualFunctions(a),
    sriov: host.sriov?.(a),
    netdevs: host.netdevs(a),
    netdevAddresses: host.netdevs(a).map((n) => host.netdevAddress(n)),
  }));
  const groups = host.iommuGroups().map((g) => ({ g, members: host.iommuGroupMembers(g), node: host.vfioGroupNode(g) }));
  const drivers = driverNames.map((d) => [d, host.driverLoaded(d)]);
  return { devices, groups, drivers };
}
