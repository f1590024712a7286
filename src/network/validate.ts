/**
 * Define-time validation of a network (libvirt's `networkValidate`, §2.8):
 * the rules libvirt applies when a network is defined or started, beyond
 * what parsing checks.
 *
 * `validateNetworkDef` returns every problem found (an empty list: valid),
 * each with libvirt's message; libvirt stops at the first, which is the
 * first of the list. `assertValidNetworkDef` throws that first one.
 *
 * The "each listed PCI address must be an SR-IOV VF" rule needs the host:
 * pass a PCI host (`physicalFunction(address)`, e.g. `SysfsHost` or
 * `MemoryPciHost`); without one it is not checked. Bridge-name clashes are
 * checked against `networks` (the other defined networks) when given.
 */
import { pciAddressName } from '../common/basictypes.js';
import type { PciHost } from '../pci/host.js';
import { VirtXmlError, type VirtXmlErrorCode } from '../xml/errors.js';
import { ipBytes } from './ip-range.js';
import { L3_MODES, type NetworkDef } from './network.js';

export interface NetworkProblem {
  code: VirtXmlErrorCode;
  message: string;
}

export interface ValidateNetworkOptions {
  /** Answers whether a PCI device is an SR-IOV VF (its `physfn`). */
  pciHost?: Pick<PciHost, 'physicalFunction'>;
  /** The other defined networks, for bridge name clashes. */
  networks?: readonly NetworkDef[];
}

function isVirtualFunction(host: Pick<PciHost, 'physicalFunction'>, address: string): boolean {
  try {
    return host.physicalFunction(address) !== undefined;
  } catch {
    return false; // no such device: not a VF either
  }
}

export function validateNetworkDef(def: NetworkDef, options: ValidateNetworkOptions = {}): NetworkProblem[] {
  const out: NetworkProblem[] = [];
  const add = (code: VirtXmlErrorCode, message: string) => out.push({ code, message });
  const name = def.name;
  const fwd = def.forward;
  const mode = fwd?.mode;
  const modeName = mode ?? 'none';
  if (name.includes('\n')) add('invalid-value', 'invalid char in name: 0x0a');

  let bandwidthAllowed: boolean;
  if (L3_MODES.has(mode)) {
    bandwidthAllowed = true;
    const br = def.bridge?.name;
    if (br !== undefined && !br.includes('%d')) {
      const other = options.networks?.find((n) => n.name !== name && n.bridge?.name === br);
      if (other) add('duplicate', `bridge name '${br}' already in use.`);
    }
  } else {
    bandwidthAllowed = mode === 'bridge' && def.bridge?.name !== undefined;
    const unsupported = (what: string) => add('unsupported', `Unsupported <${what}> element in network ${name} with forward mode='${modeName}'`);
    if (def.mac) unsupported('mac');
    if (def.ips?.length) unsupported('ip');
    if (def.dns?.txts?.length || def.dns?.hosts?.length || def.dns?.srvs?.length) unsupported('dns');
    if (def.domain) unsupported('domain');
  }
  if (def.bandwidth && (def.bandwidth.inbound || def.bandwidth.outbound) && !bandwidthAllowed) {
    add('unsupported', `Unsupported network-wide <bandwidth> element in network ${name} with forward mode='${modeName}'`);
  }

  const ifs = fwd?.interfaces ?? [];
  const addrs = fwd?.addresses ?? [];
  for (const i of ifs) {
    if (mode === 'hostdev') {
      add(
        'unsupported',
        `hostdev network '${name}' lists '${i.dev}' in the device pool, but hostdev networks require all devices to be listed by PCI address, not network device name`,
      );
    }
  }
  for (const a of addrs) {
    if (mode !== 'hostdev') {
      add(
        'unsupported',
        `network '${name}' has forward mode '${modeName}'  but lists a device by PCI address in the device pool. This is only supported for networks with forward mode 'hostdev'`,
      );
      continue;
    }
    const pci = pciAddressName(a);
    if (options.pciHost && !isVirtualFunction(options.pciHost, pci)) {
      add('unsupported', `device '/sys/bus/pci/devices/${pci}' in network '${name}' is not an SR-IOV Virtual Function`);
    }
  }
  if (Number(fwd?.pf !== undefined) + Number(ifs.length > 0) + Number(addrs.length > 0) > 1) {
    add('unsupported', `<address>, <interface>, and <pf> elements of <forward> in network ${name} are mutually exclusive`);
  }

  const dhcpFamilies = new Set<string>();
  for (const ip of def.ips ?? []) {
    if (!ip.dhcp?.ranges?.length && !ip.dhcp?.hosts?.length) continue;
    const fam = ip.address !== undefined ? ipBytes(ip.address)?.family : undefined;
    if (!fam) continue;
    if (dhcpFamilies.has(fam)) {
      const v = fam === 'ipv4' ? 'IPv4' : 'IPv6';
      add('unsupported', `Multiple ${v} dhcp sections found -- dhcp is supported only for a single ${v} address on each network`);
    }
    dhcpFamilies.add(fam);
  }

  const vlanAllowed = mode === 'hostdev' || mode === 'passthrough' || (mode === 'bridge' && def.virtualport?.type === 'openvswitch');
  const vlanUsed = (def.vlan?.tags?.length ?? 0) > 0;
  let badVlanUse = false;
  let defaultGroup: string | undefined;
  const seen = new Set<string>();
  for (const pg of def.portgroups ?? []) {
    if (vlanUsed || (pg.vlan?.tags?.length ?? 0) > 0) {
      if (pg.virtualport) {
        if (mode !== 'bridge' || pg.virtualport.type !== 'openvswitch') badVlanUse = true;
      } else if (!vlanAllowed) badVlanUse = true;
    }
    if (pg.default) {
      if (defaultGroup !== undefined) {
        add(
          'invalid-value',
          `network '${name}' has multiple default <portgroup> elements (${defaultGroup} and ${pg.name}), but only one default is allowed`,
        );
      } else defaultGroup = pg.name;
    }
    if (seen.has(pg.name)) add('duplicate', `multiple <portgroup> elements with the same name (${pg.name}) in network '${name}'`);
    seen.add(pg.name);
    if (pg.bandwidth && (pg.bandwidth.inbound || pg.bandwidth.outbound) && !bandwidthAllowed) {
      add('unsupported', `Unsupported <bandwidth> element in network '${name}' in portgroup '${pg.name}' with forward mode='${modeName}'`);
    }
  }
  if (badVlanUse || (vlanUsed && !vlanAllowed && defaultGroup === undefined)) {
    add('unsupported', `<vlan> element specified for network ${name}, whose type doesn't support vlan configuration`);
  }
  return out;
}

/** {@link validateNetworkDef}, throwing the first problem as a VirtXmlError. */
export function assertValidNetworkDef(def: NetworkDef, options: ValidateNetworkOptions = {}): void {
  const [first] = validateNetworkDef(def, options);
  if (first) throw new VirtXmlError(first.code, first.message);
}
