/**
 * The semantic layer of network and network-port validation.
 *
 * Networks: libvirt's define-time rules (`networkValidate`, §2.8) are
 * `validateNetworkDef` of src/network/validate.ts; this wraps them into
 * diagnostics placed at the element each problem is about (the problems
 * carry only libvirt's message, so each message kind is mapped to the def
 * objects it can name — the n-th problem of a kind to the n-th candidate).
 * The "must be an SR-IOV VF" rule needs a host and is not checked here.
 * Then virtxml's `group='auto'` extension on `<forward><driver>`: an error
 * under profile `libvirt`; under `virtxml` it wants a hostdev network, the
 * VFIO backend and `managed='yes'`.
 *
 * Network ports: libvirt has no define-time check of `<networkport>` XML
 * beyond its parser (`virNetworkPortDefParse`, which virtxml's parser
 * mirrors); `networkPortSemanticDiagnostics` checks only the extension on a
 * hostdev-pci `<plug><driver>`.
 */
import type { NetworkDef } from '../network/network.js';
import type { NetworkPortDef } from '../network/port.js';
import { validateNetworkDef } from '../network/validate.js';
import { byPlace } from './semantic-domain.js';
import { childOf, itemPath, Reporter, type Located, type SemanticOptions } from './semantic/context.js';
import { checkGroupMgmt } from './semantic/hostdev.js';
import type { Diagnostic } from './types.js';

const ROOT = '/network';

interface Locator {
  test: RegExp;
  code: string;
  /** Candidates, in the order validateNetworkDef reports problems of this kind. */
  at: (def: NetworkDef, m: RegExpExecArray) => Array<Located<object | undefined> & { attribute?: string }>;
}

const root = (def: NetworkDef): Located<object> => ({ obj: def, path: ROOT });
const fwd = (def: NetworkDef) => ({ obj: def.forward, path: `${ROOT}/forward` });
const listed = <T extends object>(parent: string, name: string, list: readonly T[] | undefined) =>
  (list ?? []).map((obj, i) => ({ obj, path: itemPath(parent, name, list!, i) }));

const LOCATORS: Locator[] = [
  { test: /^invalid char in name/, code: 'libvirt-network-name', at: (d) => [root(d)] },
  { test: /^bridge name '.*' already in use/, code: 'libvirt-network-bridge-name', at: (d) => [{ obj: d.bridge, path: `${ROOT}/bridge`, attribute: 'name' }] },
  {
    test: /^Unsupported <(mac|ip|dns|domain)> element in network/,
    code: 'libvirt-network-element',
    at: (d, m) => {
      const which = m[1]!;
      if (which === 'ip') return [{ obj: d.ips?.[0], path: itemPath(ROOT, 'ip', d.ips ?? [], 0) }];
      return [{ obj: (d as Record<string, unknown>)[which] as object | undefined, path: `${ROOT}/${which}` }];
    },
  },
  { test: /^Unsupported network-wide <bandwidth>/, code: 'libvirt-network-bandwidth', at: (d) => [{ obj: d.bandwidth, path: `${ROOT}/bandwidth` }] },
  {
    test: /^hostdev network '.*' lists '([^']*)' in the device pool/,
    code: 'libvirt-network-pool',
    at: (d) => listed(`${ROOT}/forward`, 'interface', d.forward?.interfaces).map((l) => ({ ...l, attribute: 'dev' })),
  },
  { test: /but lists a device by PCI address in the device pool/, code: 'libvirt-network-pool', at: (d) => listed(`${ROOT}/forward`, 'address', d.forward?.addresses) },
  { test: /^device '.*' in network '.*' is not an SR-IOV Virtual Function/, code: 'libvirt-network-pool', at: (d) => listed(`${ROOT}/forward`, 'address', d.forward?.addresses) },
  { test: /^<address>, <interface>, and <pf> elements/, code: 'libvirt-network-pool', at: (d) => [fwd(d)] },
  {
    test: /^Multiple (IPv4|IPv6) dhcp sections/,
    code: 'libvirt-network-dhcp',
    at: (d, m) => {
      const v6 = m[1] === 'IPv6';
      return listed(ROOT, 'ip', d.ips)
        .filter((l) => (l.obj.dhcp?.ranges?.length || l.obj.dhcp?.hosts?.length) && (l.obj.address ?? '').includes(':') === v6)
        .slice(1)
        .map((l) => ({ obj: l.obj.dhcp, path: `${l.path}/dhcp` }));
    },
  },
  {
    test: /has multiple default <portgroup> elements \(.* and (.*)\)/,
    code: 'libvirt-network-portgroup',
    at: (d, m) => listed(ROOT, 'portgroup', d.portgroups).filter((l) => l.obj.name === m[1] && l.obj.default).map((l) => ({ ...l, attribute: 'default' })),
  },
  {
    test: /^multiple <portgroup> elements with the same name \((.*)\)/,
    code: 'libvirt-network-portgroup',
    at: (d, m) => listed(ROOT, 'portgroup', d.portgroups).filter((l) => l.obj.name === m[1]).slice(1).map((l) => ({ ...l, attribute: 'name' })),
  },
  {
    test: /^Unsupported <bandwidth> element in network '.*' in portgroup '([^']*)'/,
    code: 'libvirt-network-bandwidth',
    at: (d, m) => listed(ROOT, 'portgroup', d.portgroups).filter((l) => l.obj.name === m[1]).map((l) => ({ obj: l.obj.bandwidth, path: `${l.path}/bandwidth` })),
  },
  {
    test: /^<vlan> element specified for network/,
    code: 'libvirt-network-vlan',
    at: (d) => {
      const pg = listed(ROOT, 'portgroup', d.portgroups).find((l) => l.obj.vlan?.tags?.length);
      return [d.vlan ? { obj: d.vlan, path: `${ROOT}/vlan` } : pg ? { obj: pg.obj.vlan, path: `${pg.path}/vlan` } : root(d)];
    },
  },
];

export function networkSemanticDiagnostics(def: NetworkDef, options: SemanticOptions): Diagnostic[] {
  const r = new Reporter(options);
  const seen = new Map<Locator, number>();
  for (const p of validateNetworkDef(def)) {
    const loc = LOCATORS.find((l) => l.test.test(p.message));
    const m = loc?.test.exec(p.message);
    let target: (Located<object | undefined> & { attribute?: string }) | undefined;
    let code = 'libvirt-network';
    if (loc && m) {
      const n = seen.get(loc) ?? 0;
      seen.set(loc, n + 1);
      const cands = loc.at(def, m);
      target = cands[n] ?? cands[0];
      code = loc.code;
    }
    target ??= root(def);
    // a candidate without a def object (absent element) is placed at the network
    const obj = target.obj ?? def;
    const path = target.obj ? target.path : ROOT;
    r.report(obj, path, code, p.message, target.attribute !== undefined ? { attribute: target.attribute } : {});
  }
  checkForwardGroup(def, r);
  return byPlace(r.diagnostics);
}

function checkForwardGroup(def: NetworkDef, r: Reporter): void {
  const f = def.forward;
  if (!f?.driver?.groupMgmt) return;
  const forward = fwd(def) as Located<object>;
  const driver = childOf(forward, 'driver', f.driver);
  if (r.profile === 'virtxml' && f.mode !== 'hostdev') {
    r.at(driver, 'virtxml-group-needs-hostdev', `group='auto' applies to hostdev networks only, but this network has forward mode '${f.mode ?? 'nat'}'`, {
      attribute: 'group',
      source: 'virtxml',
    });
    return;
  }
  // a hostdev network's devices are given to qemu guests, where vfio is the default backend
  checkGroupMgmt(r, driver, f.managed === true, forward, true);
}

export function networkPortSemanticDiagnostics(def: NetworkPortDef, options: SemanticOptions): Diagnostic[] {
  const r = new Reporter(options);
  const plug = def.plug;
  if (plug?.type === 'hostdev-pci' && plug.driver) {
    const at = { obj: plug as object, path: '/networkport/plug' };
    checkGroupMgmt(r, childOf(at, 'driver', plug.driver), plug.managed === true, at, true);
  }
  return byPlace(r.diagnostics);
}
