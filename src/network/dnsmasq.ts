/** `<dnsmasq:options>`: extra dnsmasq options (namespace http://libvirt.org/schemas/network/dnsmasq/1.0). */
import { attr, element, list, type Infer } from '../xml/decl.js';
import { str } from '../xml/values.js';

export const DNSMASQ_NAMESPACE = 'http://libvirt.org/schemas/network/dnsmasq/1.0';

export const dnsmasqOption = element('dnsmasq:option', { value: attr(str, { required: true }) });

export const dnsmasqOptions = element(
  'dnsmasq:options',
  { options: list(dnsmasqOption) },
  { doc: "dnsmasq options passed through by libvirt (prefix 'dnsmasq' bound to the dnsmasq namespace)" },
);
export type DnsmasqOptions = Infer<typeof dnsmasqOptions>;
