/**
 * Define-time validation of a network (libvirt's `networkValidate`, §2.8):
 * the rules libvirt applies when a network is defined or started, beyond
 * what parsing checks.
 *
 * The rules report through the semantic layer's `Reporter` (one
 * diagnostics path for every rule: code `libvirt-network-<rule>`, place,
 * element path); `checkNetworkDefine` runs them on a caller's reporter (the
 * `validate` semantic layer does). `validateNetworkDef` returns every
 * problem found (an empty list: valid), each with libvirt's message; libvirt
 * stops at the first, which is the first of the list.
 * `assertValidNetworkDef` throws that first one.
 *
 * The "each listed PCI address must be an SR-IOV VF" rule needs the host:
 * pass a PCI host (`physicalFunction(address)`, e.g. `SysfsHost` or
 * `MemoryPciHost`); without one it is not checked. Bridge-name clashes are
 * checked against `networks` (the other defined networks) when given.
 */
import { pciAddressName } from '../common/basictypes.js';
import type { PciHost } from '../pci/host.js';
import { Reporter, type Located } from '../validate/semantic/context.js';
import type { Diagnostic } from '../validate/types.js';
import { VirtXmlError, type VirtXmlErrorCode } from '../xml/errors.js';
import { ipBytes } from './ip-range.js';
import { L3_MODES, type NetworkDef } from './network.js';

/** A define-time problem: the reporter's diagnostic, with libvirt's rule and the error code `assertValidNetworkDef` throws. */
export interface NetworkProblem extends Diagnostic {
  /** The VirtXmlError code of the problem. */
  errorCode: VirtXmlErrorCode;
  /** Which of libvirt's rules (`name`, `bridge-name`, `element`, `bandwidth`, `pool`, `dhcp`, `portgroup`, `vlan`): the diagnostic code is `libvirt-network-<rule>`. */
  rule: NetworkRule;
}

export type NetworkRule = 'name' | 'bridge-name' | 'element' | 'bandwidth' | 'pool' | 'dhcp' | 'portgroup' | 'vlan';

/** What a problem is about: a def object of the network, its element path (for defs built in code) and the attribute at fault. */
type ProblemPlace = Located<object> & { attribute?: string };

const RULE_PREFIX = 'libvirt-network-';

const ROOT = '/network';
/** `/network/portgroup[2]`, as paths are written: an index only where the name repeats. */
const item = (parent: string, name: string, list: readonly unknown[], i: number): string => `${parent}/${name}${list.length > 1 ? `[${i + 1}]` : ''}`;

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

/**
 * libvirt's define-time rules, reported on `r` (code `libvirt-network-<rule>`);
 * `errorCodes`, when given, receives each diagnostic's VirtXmlError code.
 */
export function checkNetworkDefine(
  def: NetworkDef,
  r: Reporter,
  options: ValidateNetworkOptions = {},
  errorCodes?: Map<Diagnostic, VirtXmlErrorCode>,
): void {
  const root: ProblemPlace = { obj: def, path: ROOT };
  const add = (code: VirtXmlErrorCode, rule: NetworkRule, message: string, at: ProblemPlace = root) => {
    r.report(at.obj, at.path, RULE_PREFIX + rule, message, at.attribute !== undefined ? { attribute: at.attribute } : {});
    const d = r.diagnostics[r.diagnostics.length - 1];
    if (d && errorCodes) errorCodes.set(d, code);
  };
  /** A child of the network, or the network itself when the element is absent. */
  const child = (obj: object | undefined, name: string, attribute?: string): ProblemPlace =>
    obj ? { obj, path: `${ROOT}/${name}`, ...(attribute !== undefined ? { attribute } : {}) } : root;
  const name = def.name;
  const fwd = def.forward;
  const mode = fwd?.mode;
  const modeName = mode ?? 'none';
  if (name.includes('\n')) add('invalid-value', 'name', 'invalid char in name: 0x0a');

  let bandwidthAllowed: boolean;
  if (L3_MODES.has(mode)) {
    bandwidthAllowed = true;
    const br = def.bridge?.name;
    if (br !== undefined && !br.includes('%d')) {
      const other = options.networks?.find((n) => n.name !== name && n.bridge?.name === br);
      if (other) add('duplicate', 'bridge-name', `bridge name '${br}' already in use.`, child(def.bridge, 'bridge', 'name'));
    }
  } else {
    bandwidthAllowed = mode === 'bridge' && def.bridge?.name !== undefined;
    const unsupported = (what: string, at: ProblemPlace) =>
      add('unsupported', 'element', `Unsupported <${what}> element in network ${name} with forward mode='${modeName}'`, at);
    if (def.mac) unsupported('mac', child(def.mac, 'mac'));
    if (def.ips?.length) unsupported('ip', { obj: def.ips[0]!, path: item(ROOT, 'ip', def.ips, 0) });
    if (def.dns?.txts?.length || def.dns?.hosts?.length || def.dns?.srvs?.length) unsupported('dns', child(def.dns, 'dns'));
    if (def.domain) unsupported('domain', child(def.domain, 'domain'));
  }
  if (def.bandwidth && (def.bandwidth.inbound || def.bandwidth.outbound) && !bandwidthAllowed) {
    add('unsupported', 'bandwidth', `Unsupported network-wide <bandwidth> element in network ${name} with forward mode='${modeName}'`, child(def.bandwidth, 'bandwidth'));
  }

  const ifs = fwd?.interfaces ?? [];
  const addrs = fwd?.addresses ?? [];
  const FWD = `${ROOT}/forward`;
  ifs.forEach((i, n) => {
    if (mode === 'hostdev') {
      add(
        'unsupported',
        'pool',
        `hostdev network '${name}' lists '${i.dev}' in the device pool, but hostdev networks require all devices to be listed by PCI address, not network device name`,
        { obj: i, path: item(FWD, 'interface', ifs, n), attribute: 'dev' },
      );
    }
  });
  addrs.forEach((a, n) => {
    const at = { obj: a, path: item(FWD, 'address', addrs, n) };
    if (mode !== 'hostdev') {
      add(
        'unsupported',
        'pool',
        `network '${name}' has forward mode '${modeName}'  but lists a device by PCI address in the device pool. This is only supported for networks with forward mode 'hostdev'`,
        at,
      );
      return;
    }
    const pci = pciAddressName(a);
    if (options.pciHost && !isVirtualFunction(options.pciHost, pci)) {
      add('unsupported', 'pool', `device '/sys/bus/pci/devices/${pci}' in network '${name}' is not an SR-IOV Virtual Function`, at);
    }
  });
  if (Number(fwd?.pf !== undefined) + Number(ifs.length > 0) + Number(addrs.length > 0) > 1) {
    add('unsupported', 'pool', `<address>, <interface>, and <pf> elements of <forward> in network ${name} are mutually exclusive`, child(fwd, 'forward'));
  }

  const dhcpFamilies = new Set<string>();
  const ips = def.ips ?? [];
  ips.forEach((ip, n) => {
    if (!ip.dhcp || (!ip.dhcp.ranges?.length && !ip.dhcp.hosts?.length)) return;
    const fam = ip.address !== undefined ? ipBytes(ip.address)?.family : undefined;
    if (!fam) return;
    if (dhcpFamilies.has(fam)) {
      const v = fam === 'ipv4' ? 'IPv4' : 'IPv6';
      add('unsupported', 'dhcp', `Multiple ${v} dhcp sections found -- dhcp is supported only for a single ${v} address on each network`, {
        obj: ip.dhcp,
        path: `${item(ROOT, 'ip', ips, n)}/dhcp`,
      });
    }
    dhcpFamilies.add(fam);
  });

  const vlanAllowed = mode === 'hostdev' || mode === 'passthrough' || (mode === 'bridge' && def.virtualport?.type === 'openvswitch');
  const vlanUsed = (def.vlan?.tags?.length ?? 0) > 0;
  let badVlanUse = false;
  let defaultGroup: string | undefined;
  const seen = new Set<string>();
  const groups = def.portgroups ?? [];
  let firstVlanGroup: ProblemPlace | undefined;
  groups.forEach((pg, n) => {
    const path = item(ROOT, 'portgroup', groups, n);
    if (pg.vlan?.tags?.length && !firstVlanGroup) firstVlanGroup = { obj: pg.vlan, path: `${path}/vlan` };
    if (vlanUsed || (pg.vlan?.tags?.length ?? 0) > 0) {
      if (pg.virtualport) {
        if (mode !== 'bridge' || pg.virtualport.type !== 'openvswitch') badVlanUse = true;
      } else if (!vlanAllowed) badVlanUse = true;
    }
    if (pg.default) {
      if (defaultGroup !== undefined) {
        add(
          'invalid-value',
          'portgroup',
          `network '${name}' has multiple default <portgroup> elements (${defaultGroup} and ${pg.name}), but only one default is allowed`,
          { obj: pg, path, attribute: 'default' },
        );
      } else defaultGroup = pg.name;
    }
    if (seen.has(pg.name)) add('duplicate', 'portgroup', `multiple <portgroup> elements with the same name (${pg.name}) in network '${name}'`, { obj: pg, path, attribute: 'name' });
    seen.add(pg.name);
    if (pg.bandwidth && (pg.bandwidth.inbound || pg.bandwidth.outbound) && !bandwidthAllowed) {
      add('unsupported', 'bandwidth', `Unsupported <bandwidth> element in network '${name}' in portgroup '${pg.name}' with forward mode='${modeName}'`, {
        obj: pg.bandwidth,
        path: `${path}/bandwidth`,
      });
    }
  });
  if (badVlanUse || (vlanUsed && !vlanAllowed && defaultGroup === undefined)) {
    add(
      'unsupported',
      'vlan',
      `<vlan> element specified for network ${name}, whose type doesn't support vlan configuration`,
      def.vlan ? { obj: def.vlan, path: `${ROOT}/vlan` } : (firstVlanGroup ?? root),
    );
  }
}

const isNetworkRule = (s: string): s is NetworkRule =>
  s === 'name' || s === 'bridge-name' || s === 'element' || s === 'bandwidth' || s === 'pool' || s === 'dhcp' || s === 'portgroup' || s === 'vlan';

/** libvirt's define-time rules: every problem, in libvirt's order, placed (line 0 for defs built in code). */
export function validateNetworkDef(def: NetworkDef, options: ValidateNetworkOptions = {}): NetworkProblem[] {
  const r = new Reporter({ profile: 'libvirt' });
  const errorCodes = new Map<Diagnostic, VirtXmlErrorCode>();
  checkNetworkDefine(def, r, options, errorCodes);
  return r.diagnostics.flatMap((d) => {
    const rule = d.code.slice(RULE_PREFIX.length);
    const errorCode = errorCodes.get(d);
    return isNetworkRule(rule) && errorCode ? [{ ...d, rule, errorCode }] : [];
  });
}

/** {@link validateNetworkDef}, throwing the first problem as a VirtXmlError. */
export function assertValidNetworkDef(def: NetworkDef, options: ValidateNetworkOptions = {}): void {
  const [first] = validateNetworkDef(def, options);
  if (first) {
    throw new VirtXmlError(first.errorCode, first.message, first.line > 0 ? { line: first.line, column: first.column, path: first.path } : { path: first.path });
  }
}
