/**
 * The device pool of a macvtap or hostdev network (§2.4 "Pool
 * construction", libvirt's `networkCreateInterfacePool`): the `<interface>`
 * netdevs or `<address>` PCI devices of `<forward>`, or the virtual
 * functions of its `<pf>` read from the host — netdevs in macvtap modes
 * (VFs without a netdev are skipped), PCI addresses in hostdev mode.
 * Each entry has a connection count kept in a {@link ConnectionPool}.
 */
import { parsePciAddressName, pciAddressName, type PciAddressNumbers } from '../common/basictypes.js';
import { VirtXmlError } from '../xml/errors.js';
import type { NetworkForward } from './forward.js';
import type { NetworkHost, VirtualFunction } from './pci-host.js';
import { ConnectionPool } from './pool.js';

export type PoolEntry = { kind: 'pci'; address: Required<PciAddressNumbers>; name: string } | { kind: 'netdev'; dev: string };

export interface InterfacePool {
  entries: PoolEntry[];
  /** The first entry of another kind than the first one, if any (a pool libvirt's validation refuses). */
  mixed: PoolEntry | undefined;
  counts: ConnectionPool;
  /** Entry index by PCI name (`DDDD:BB:SS.F`) or netdev name. */
  index: Map<string, number>;
}

export const poolKey = (e: PoolEntry): string => (e.kind === 'pci' ? e.name : e.dev);

function pciEntry(a: PciAddressNumbers): PoolEntry {
  const address = { domain: a.domain ?? 0, bus: a.bus ?? 0, slot: a.slot ?? 0, function: a.function ?? 0 };
  return { kind: 'pci', address, name: pciAddressName(address) };
}

function fromPf(fwd: NetworkForward, pfDev: string, host: NetworkHost | undefined): PoolEntry[] {
  if (!host) throw new VirtXmlError('unsupported', `Could not get Virtual functions on PF ${pfDev}: no host to read them from`);
  let vfs: VirtualFunction[];
  try {
    vfs = host.virtualFunctions(pfDev);
  } catch (e) {
    throw new VirtXmlError('unsupported', `Could not get Virtual functions on PF ${pfDev}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const entries =
    fwd.mode === 'hostdev'
      ? vfs.flatMap((vf): PoolEntry[] => {
          const a = parsePciAddressName(vf.address);
          return a ? [pciEntry(a)] : [];
        })
      : vfs.flatMap((vf): PoolEntry[] => (vf.netdev ? [{ kind: 'netdev', dev: vf.netdev }] : []));
  if (entries.length === 0) throw new VirtXmlError('unsupported', `No usable Vf's present on SRIOV PF ${pfDev}`);
  return entries;
}

/**
 * Builds the pool of a forward element, or undefined when it has none (no
 * devices, no pf). Throws libvirt's errors when the PF cannot be read.
 * Connection counts carried by a live network's `<interface connections>`
 * are taken over.
 */
export function createInterfacePool(fwd: NetworkForward | undefined, host: NetworkHost | undefined): InterfacePool | undefined {
  if (!fwd) return undefined;
  let entries: PoolEntry[];
  if (fwd.interfaces?.length) entries = fwd.interfaces.map((i) => ({ kind: 'netdev', dev: i.dev }));
  else if (fwd.addresses?.length) entries = fwd.addresses.map(pciEntry);
  else if (fwd.pf) entries = fromPf(fwd, fwd.pf.dev, host);
  else return undefined;
  const counts = new ConnectionPool(entries.length);
  const index = new Map<string, number>();
  entries.forEach((e, i) => index.set(poolKey(e), i));
  fwd.interfaces?.forEach((i, n) => {
    for (let k = 0; k < (i.connections ?? 0); k++) counts.increment(n);
  });
  const mixed = entries.find((e) => e.kind !== entries[0]!.kind);
  return { entries, mixed, counts, index };
}
