/**
 * `<domstatus>`: libvirt's private status file of a running domain
 * (`/run/libvirt/qemu/NAME.xml`, written by `virDomainObjFormat`): the
 * domain's state, reason and process id, its taints and deprecations, the
 * driver's private data, and the live `<domain>` in status form.
 *
 * ```xml
 * <domstatus state='running' reason='booted' pid='3803'>
 *   <taint flag='high-privileges'/>
 *   <monitor path='/var/lib/libvirt/qemu/domain-1-vm/monitor.sock' type='unix'/>
 *   …
 *   <domain type='kvm' id='1'>…</domain>
 * </domstatus>
 * ```
 *
 * The driver's private data (QEMU's `<monitor>`, `<vcpus>`, `<qemuCaps>`,
 * `<job>`, …; `qemuDomainObjPrivateXMLFormat`) has no schema: it is kept as
 * XML, in place, between the deprecations and the domain.
 */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import { attr, child, element, list, text, type Infer } from '../xml/decl.js';
import { oneOf, str, uint } from '../xml/values.js';
import { domain } from './domain.js';
import type { FormatDomainOptions, ParseDomainOptions } from './index.js';

/** libvirt's domain states (`virDomainState`). */
export const domainState = oneOf('nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended');

/** libvirt's taint flags (`virDomainTaintFlags`). */
export const domainTaint = oneOf(
  'custom-argv',
  'custom-monitor',
  'high-privileges',
  'shell-scripts',
  'disk-probing',
  'external-launch',
  'host-cpu',
  'hook-script',
  'cdrom-passthrough',
  'custom-dtb',
  'custom-ga-command',
  'custom-hypervisor-feature',
  'deprecated-config',
  'custom-device',
);

export const domstatus = element(
  'domstatus',
  {
    state: attr(domainState, { required: true, doc: 'Domain state' }),
    reason: attr(str, { required: true, doc: "Reason for the state, as libvirt names it (e.g. 'booted', 'user', 'migrated')" }),
    pid: attr(uint({ max: Number.MAX_SAFE_INTEGER }), { required: true, doc: 'Process id of the hypervisor process' }),
    taints: list(element('taint', { flag: attr(domainTaint, { required: true }) }), { doc: 'Why libvirt considers the domain tainted' }),
    deprecations: list(element('deprecation', { text: text(str, { required: true }) }), { doc: 'Deprecated features the domain uses' }),
    domain: child(domain, { required: true, doc: 'The live domain, in status form' }),
  },
  { doc: "libvirt's private status of a running domain" },
);
export type DomainStatusDef = Infer<typeof domstatus>;

/** Parses a `<domstatus>` document (libvirt's status file of a running domain). */
export function parseDomainStatusXml(xml: string, options: ParseDomainOptions = {}): DomainStatusDef {
  return parseDocument<DomainStatusDef>(domstatus, xml, options);
}

/** Writes a `<domstatus>` as libvirt does: the domain inside in status form (`status` defaults to true). */
export function formatDomainStatusXml(def: DomainStatusDef, options: FormatDomainOptions = {}): string {
  return formatElement(domstatus, def, formatContext({ ...options, status: options.status ?? true }), 0) + '\n';
}
