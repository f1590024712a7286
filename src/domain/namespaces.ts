/**
 * Hypervisor-specific extensions in their own XML namespaces, at the end
 * of `<domain>`: QEMU's `<qemu:commandline>`, `<qemu:capabilities>`,
 * `<qemu:override>`, `<qemu:deprecation>`, LXC's `<lxc:namespace>`,
 * bhyve's and Xen's `<…:commandline>` and VMware's
 * `<vmware:datacenterpath>`.
 *
 * Elements are matched by their prefixed names, the prefixes libvirt
 * writes; a document binding another prefix to these namespaces (e.g.
 * `ns0:commandline`) is kept as read. The `xmlns:…` declarations on the root
 * are attributes of the domain (`domainNamespaceAttrs`); `declareNamespaces`
 * adds the missing ones for the extensions a def uses.
 */
import { attr, child, element, list, text, type Infer } from '../xml/decl.js';
import { oneOf, pattern, str } from '../xml/values.js';

/** Namespace URIs by the prefix libvirt writes. */
export const DOMAIN_NAMESPACES = {
  qemu: 'http://libvirt.org/schemas/domain/qemu/1.0',
  lxc: 'http://libvirt.org/schemas/domain/lxc/1.0',
  bhyve: 'http://libvirt.org/schemas/domain/bhyve/1.0',
  xen: 'http://libvirt.org/schemas/domain/xen/1.0',
  vmware: 'http://libvirt.org/schemas/domain/vmware/1.0',
} as const;
type Prefix = keyof typeof DOMAIN_NAMESPACES;

/**
 * The namespace declaration some documents put on the extension element
 * itself (`<qemu:commandline xmlns:qemu='…'>`): read, not written again —
 * libvirt declares it on `<domain>` (see `declareNamespaces`).
 */
const ownDeclaration = (prefix: Prefix) => ({
  xmlns: attr(str, { xml: `xmlns:${prefix}`, omit: () => true, doc: 'Declared on <domain> when written' }),
});

const argList = (prefix: Prefix) => list(element(`${prefix}:arg`, { value: attr(str, { required: true }) }));

export const qemuCommandline = element(
  'qemu:commandline',
  {
    ...ownDeclaration('qemu'),
    args: argList('qemu'),
    envs: list(
      element('qemu:env', {
        name: attr(pattern('envName', /^[a-zA-Z0-9_]+$/), { required: true }),
        value: attr(str),
      }),
    ),
  },
  { doc: 'Extra QEMU arguments and environment (unsupported by libvirt)' },
);

const capability = (name: string) => list(element(name, { capability: attr(str, { required: true }) }));

export const qemuCapabilities = element(
  'qemu:capabilities',
  { ...ownDeclaration('qemu'), adds: capability('qemu:add'), dels: capability('qemu:del') },
  { doc: 'QEMU capabilities forced on or off' },
);

export const qemuOverrideProperty = element('qemu:property', {
  name: attr(str, { required: true }),
  type: attr(oneOf('string', 'signed', 'unsigned', 'bool', 'remove'), { required: true }),
  value: attr(str),
});

export const qemuOverride = element(
  'qemu:override',
  {
    ...ownDeclaration('qemu'),
    devices: list(
      element('qemu:device', {
        alias: attr(str, { required: true }),
        frontend: child(element('qemu:frontend', { properties: list(qemuOverrideProperty) })),
      }),
    ),
  },
  { doc: 'Properties of QEMU devices overridden by alias' },
);

export const qemuDeprecation = element('qemu:deprecation', {
  ...ownDeclaration('qemu'),
  behavior: attr(oneOf('none', 'omit', 'reject', 'crash'), { required: true }),
});

const share = <const T extends string>(name: string, ...types: T[]) =>
  child(element(name, { type: attr(oneOf(...types), { required: true }), value: attr(str, { required: true }) }));

export const lxcNamespace = element(
  'lxc:namespace',
  {
    ...ownDeclaration('lxc'),
    sharenet: share('lxc:sharenet', 'netns', 'name', 'pid'),
    shareipc: share('lxc:shareipc', 'name', 'pid'),
    shareuts: share('lxc:shareuts', 'name', 'pid'),
  },
  { doc: 'Namespaces an LXC container shares with another process or container' },
);

export const bhyveCommandline = element('bhyve:commandline', { ...ownDeclaration('bhyve'), args: argList('bhyve') });
export const xenCommandline = element('xen:commandline', { ...ownDeclaration('xen'), args: argList('xen') });
export const vmwareDatacenterpath = element('vmware:datacenterpath', {
  ...ownDeclaration('vmware'),
  path: text(str, { required: true }),
});

/** The extension elements, in the order they are written at the end of `<domain>`. */
export const namespaceFields = {
  qemuCommandline: child(qemuCommandline),
  qemuCapabilities: child(qemuCapabilities),
  qemuOverride: child(qemuOverride),
  qemuDeprecation: child(qemuDeprecation),
  lxcNamespace: child(lxcNamespace),
  bhyveCommandline: child(bhyveCommandline),
  xenCommandline: child(xenCommandline),
  vmwareDatacenterpath: child(vmwareDatacenterpath),
} as const;

/** The `xmlns:<prefix>` declarations on `<domain>`, written after `type` and `id`. */
export const domainNamespaceAttrs = {
  xmlnsQemu: attr(str, { xml: 'xmlns:qemu' }),
  xmlnsLxc: attr(str, { xml: 'xmlns:lxc' }),
  xmlnsBhyve: attr(str, { xml: 'xmlns:bhyve' }),
  xmlnsXen: attr(str, { xml: 'xmlns:xen' }),
  xmlnsVmware: attr(str, { xml: 'xmlns:vmware' }),
} as const;

const USES: Array<[keyof typeof domainNamespaceAttrs, Prefix, Array<keyof typeof namespaceFields>]> = [
  ['xmlnsQemu', 'qemu', ['qemuCommandline', 'qemuCapabilities', 'qemuOverride', 'qemuDeprecation']],
  ['xmlnsLxc', 'lxc', ['lxcNamespace']],
  ['xmlnsBhyve', 'bhyve', ['bhyveCommandline']],
  ['xmlnsXen', 'xen', ['xenCommandline']],
  ['xmlnsVmware', 'vmware', ['vmwareDatacenterpath']],
];

/**
 * A `beforeFormat` hook for `<domain>`: a copy with the `xmlns:` declaration
 * of every extension namespace in use (the value itself when none is missing).
 */
export function declareNamespaces<T extends Record<string, unknown>>(def: T): T {
  let out = def;
  for (const [key, prefix, fields] of USES) {
    if (def[key] !== undefined || !fields.some((f) => def[f] !== undefined)) continue;
    if (out === def) out = { ...def };
    (out as Record<string, unknown>)[key] = DOMAIN_NAMESPACES[prefix];
  }
  return out;
}

export type QemuCommandline = Infer<typeof qemuCommandline>;
export type LxcNamespace = Infer<typeof lxcNamespace>;
