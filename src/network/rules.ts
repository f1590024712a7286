/**
 * libvirt's parse-time rules for a network (`virNetworkDefParseXML`), run by
 * the `<network>` element's check hook. Rules libvirt applies only when a
 * network is defined or started (`networkValidate`) are not here.
 */
import type { CheckFailure } from '../xml/decl.js';
import { checkDns } from './dns.js';
import { checkForward } from './forward.js';
import { checkIp } from './ip.js';
import type { NetworkDef } from './network.js';
import { failAt } from './problems.js';
import { isMulticastMac } from './values.js';

export function checkNetwork(n: NetworkDef): CheckFailure | undefined {
  const name = n.name;
  if (n.title?.includes('\n')) return { code: 'invalid-value', message: "network title can't contain newlines" };
  if (n.mac && isMulticastMac(n.mac.address)) {
    return failAt(n.mac, 'invalid-value', `Invalid multicast bridge mac address '${n.mac.address}' in network '${name}'`, 'address');
  }
  if (n.virtualport && n.virtualport.type === undefined) return failAt(n.virtualport, 'missing-attribute', 'missing required virtualport type');
  const dns = n.dns && checkDns(n.dns, name);
  if (dns) return dns;
  for (const ip of n.ips ?? []) {
    const failure = checkIp(ip, name);
    if (failure) return failure;
  }
  const forward = n.forward && checkForward(n.forward, name);
  if (forward) return forward;
  return checkModes(n);
}

/** The rules that depend on the forward mode. */
function checkModes(n: NetworkDef): CheckFailure | undefined {
  const f = n.forward;
  const mode = f?.mode;
  const name = n.name;
  const nifs = f?.interfaces?.length ?? 0;
  const b = n.bridge;
  if (n.mtu?.size && !(mode === undefined || mode === 'nat' || mode === 'route' || mode === 'open')) {
    return failAt(n.mtu, 'unsupported', `mtu size only allowed in open, route, nat, and isolated mode, not in ${mode} (network '${name}')`, 'size');
  }
  if (!f) return undefined;
  switch (f.mode) {
    case 'route':
    case 'nat':
    case 'open':
      // an open network needs no address (libvirt 11.3 and 12.9 accept <forward mode='open'/> alone)
      if (!n.ips?.length && f.mode !== 'open') return failAt(f, 'missing-element', `${f.mode} forwarding requested, but no IP address provided for network '${name}'`, 'mode');
      if (nifs > 1) {
        return failAt(f, 'unsupported', `multiple forwarding interfaces are only supported with macvtap or hostdev mode (network '${name}')`);
      }
      if (f.mode === 'open' && nifs > 0) {
        return failAt(f, 'unsupported', `forward dev not allowed for network '${name}' with forward mode='open'`);
      }
      return undefined;
    case 'private':
    case 'vepa':
    case 'passthrough':
    case 'hostdev':
      if (b?.name !== undefined) return failAt(b, 'unsupported', `bridge name not allowed in ${f.mode} mode (network '${name}')`, 'name');
      if (b?.zone !== undefined) return failAt(b, 'unsupported', `bridge zone not allowed in ${f.mode} mode (network '${name}')`, 'zone');
      if (b?.macTableManager !== undefined) {
        return failAt(b, 'unsupported', `bridge macTableManager setting not allowed in ${f.mode} mode (network '${name}')`, 'macTableManager');
      }
    // falls through
    case 'bridge':
      if (b && (b.delay || b.stp !== undefined || b.zone !== undefined)) {
        return failAt(b, 'unsupported', `bridge delay/stp options only allowed in route, nat, and isolated mode, not in ${f.mode} (network '${name}')`);
      }
      if (b?.name !== undefined && (nifs > 0 || f.pf)) {
        return failAt(b, 'unsupported', `A network with forward mode='${f.mode}' can specify a bridge name or a forward dev, but not both (network '${name}')`);
      }
  }
  return undefined;
}
