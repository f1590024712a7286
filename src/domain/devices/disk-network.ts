/**
 * `<source protocol=…>` of a network disk, a union on `protocol` (nbd,
 * gluster, rbd, iscsi, http, https, ftp, ftps, ssh, sheepdog, tftp, vxhs,
 * nfs). Order is libvirt's virDomainDiskSourceFormatNetwork: attributes
 * protocol, name, query, tls, tlsHostname, index; children hosts, identity
 * (nfs), snapshot, config, initiator, ssl, cookies, readahead, timeout,
 * knownHosts, identity (ssh), reconnect, then slices, auth, encryption.
 */
import { attr, child, element, list, tag, text, union, type Fields, type Infer } from '../../xml/decl.js';
import { literal, oneOf, pattern, str, uint, yesNo } from '../../xml/values.js';
import { sourcePrivateDataField } from './disk-private.js';
import { diskAuth, encryption, initiator, reconnect, slices, sourceIndex, ulong } from './storage-common.js';

/**
 * `<host name port transport socket/>`. The corpus shows name+port and
 * transport+socket only; the order of all four follows libvirt's formatter.
 * `transport='tcp'` is the default and not written.
 */
export const diskHost = element('host', {
  name: attr(str),
  port: attr(uint({ max: 65535 })),
  transport: attr(oneOf('tcp', 'unix', 'rdma'), { omit: (v: string) => v === 'tcp' }),
  socket: attr(str),
});
export type DiskHost = Infer<typeof diskHost>;

const cookie = element('cookie', {
  name: attr(pattern('cookieName', /^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/), { required: true }),
  value: text(str, { required: true }),
});

const nfsIdentity = element('identity', { user: attr(str), group: attr(str) });
const sshIdentity = element('identity', {
  username: attr(str, { required: true }),
  keyfile: attr(str),
  agentsock: attr(str),
});

const own = {
  nfsIdentity: child(nfsIdentity, { doc: 'NFS user and group' }),
  snapshot: child(element('snapshot', { name: attr(str, { required: true }) }), { doc: 'RBD snapshot' }),
  config: child(element('config', { file: attr(str, { required: true }) }), { doc: 'RBD configuration file' }),
  initiator: child(initiator),
  ssl: child(element('ssl', { verify: attr(yesNo, { required: true }) })),
  cookies: child(element('cookies', { cookies: list(cookie) })),
  readahead: child(element('readahead', { size: attr(ulong, { required: true }) })),
  timeout: child(element('timeout', { seconds: attr(ulong, { required: true }) })),
  knownHosts: child(element('knownHosts', { path: attr(str, { required: true }) })),
  sshIdentity: child(sshIdentity, { doc: 'SSH user and key' }),
  reconnect: child(reconnect, { doc: 'NBD reconnect delay' }),
} as const;

const query = attr(str);
const tls = attr(yesNo);
const auth = child(diskAuth);
const enc = child(encryption);

/** One protocol's `<source>`: shared head and tail around the protocol's own fields. */
function netSource<const P extends string, const A extends Fields, const C extends Fields, const T extends Fields>(
  protocol: P,
  attrs: A,
  children: C,
  tail: T,
) {
  return element('source', {
    protocol: tag(literal(protocol)),
    name: attr(str),
    ...attrs,
    index: sourceIndex,
    hosts: list(diskHost),
    ...children,
    slices: child(slices),
    ...tail,
    ...sourcePrivateDataField,
  });
}

const props = { readahead: own.readahead, timeout: own.timeout } as const;

export const networkSource = union(
  'source',
  'protocol',
  {
    nbd: netSource('nbd', { tls, tlsHostname: attr(str) }, { reconnect: own.reconnect }, { encryption: enc }),
    gluster: netSource('gluster', {}, {}, { encryption: enc }),
    rbd: netSource('rbd', {}, { snapshot: own.snapshot, config: own.config }, { auth, encryption: enc }),
    iscsi: netSource('iscsi', {}, { initiator: own.initiator }, { auth, encryption: enc }),
    http: netSource('http', { query }, { cookies: own.cookies, ...props }, { auth, encryption: enc }),
    https: netSource('https', { query }, { ssl: own.ssl, cookies: own.cookies, ...props }, { auth, encryption: enc }),
    ftp: netSource('ftp', {}, props, { auth, encryption: enc }),
    ftps: netSource('ftps', {}, { ssl: own.ssl, ...props }, { auth, encryption: enc }),
    ssh: netSource('ssh', {}, { ...props, knownHosts: own.knownHosts, identity: own.sshIdentity }, { auth, encryption: enc }),
    sheepdog: netSource('sheepdog', {}, props, { encryption: enc }),
    tftp: netSource('tftp', {}, props, { encryption: enc }),
    vxhs: netSource('vxhs', { tls }, {}, {}),
    nfs: netSource('nfs', {}, { identity: own.nfsIdentity }, {}),
  },
  { doc: 'Source of a network disk', unknownMessage: "unknown protocol type '%s'" },
);
export type NetworkSource = Infer<typeof networkSource>;
