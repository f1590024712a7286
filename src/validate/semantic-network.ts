/**
 * The semantic layer of network and network-port validation.
 *
 * Networks: libvirt's define-time rules (`networkValidate`, §2.8) are
 * `checkNetworkDefine` of src/network/validate.ts, run on this layer's
 * reporter: diagnostics placed at the def object each problem names (its
 * element, or the attribute at fault).
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
import { checkNetworkDefine } from '../network/validate.js';
import { byPlace } from './semantic-domain.js';
import { checkBandwidth } from './semantic/bandwidth.js';
import { childOf, itemPath, Reporter, type Located, type SemanticOptions } from './semantic/context.js';
import { checkRoutes } from './semantic/interface.js';
import { checkGroupMgmt } from './semantic/hostdev.js';
import type { Diagnostic } from './types.js';

const ROOT = '/network';

export function networkSemanticDiagnostics(def: NetworkDef, options: SemanticOptions): Diagnostic[] {
  const r = new Reporter(options);
  checkNetworkParse(def, r);
  checkNetworkDefine(def, r);
  checkForwardGroup(def, r);
  return byPlace(r.diagnostics);
}

/**
 * Rules of libvirt's parser (`virNetworkDefParseXML` and the parsers it
 * calls) the model reads past: a name, an address on each `<ip>`, the
 * `<bandwidth>` of the network and of its portgroups (no classID, no floor),
 * static routes, and `register='yes'` only on a local-only `<domain>`.
 */
function checkNetworkParse(def: NetworkDef, r: Reporter): void {
  const root: Located<object> = { obj: def, path: ROOT };
  if (def.name === '') r.reportChild(def, 'name', `${ROOT}/name`, 'libvirt-network-name', 'missing name information');
  const name = def.name;
  const bandwidth = { allowFloor: false, code: 'libvirt-network-bandwidth' };
  if (def.bandwidth) checkBandwidth(childOf(root, 'bandwidth', def.bandwidth), bandwidth, r);
  const ips = def.ips ?? [];
  ips.forEach((ip, i) => {
    if (ip.address === undefined) {
      r.report(ip, itemPath(ROOT, 'ip', ips, i), 'libvirt-network-ip', `XML error: Missing required address attribute in network '${name}'`);
    }
  });
  const groups = def.portgroups ?? [];
  groups.forEach((pg, i) => {
    if (pg.bandwidth) checkBandwidth({ obj: pg.bandwidth, path: `${itemPath(ROOT, 'portgroup', groups, i)}/bandwidth` }, bandwidth, r);
  });
  checkRoutes(ROOT, def.routes ?? [], name, r);
  const dom = def.domain;
  if (dom?.register === true && dom.localOnly !== true) {
    r.at(childOf(root, 'domain', dom), 'libvirt-network-domain', `unsupported configuration: attribute 'register=yes' in <domain> element requires 'localOnly=yes' in network ${name}`, {
      attribute: 'register',
    });
  }
}

function checkForwardGroup(def: NetworkDef, r: Reporter): void {
  const f = def.forward;
  if (!f?.driver?.groupMgmt) return;
  const forward: Located<object> = { obj: f, path: `${ROOT}/forward` };
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
    const at: Located<object> = { obj: plug, path: '/networkport/plug' };
    checkGroupMgmt(r, childOf(at, 'driver', plug.driver), plug.managed === true, at, true);
  }
  return byPlace(r.diagnostics);
}
