/**
 * The guest NIC's backend settings: the virtio `<driver>` (with its `<host>`
 * and `<guest>` offload switches), `<backend>`, `<tune>` and `<coalesce>`.
 * Attribute order is libvirt's (`virDomainVirtioNetDriverFormat`,
 * `virDomainVirtioOptionsFormat`, `virDomainNetBackendFormat`).
 * (type='hostdev' interfaces take the PCI hostdev `<driver>` of
 * common/basictypes.ts instead.)
 */
import { attr, child, element, value, type Infer } from '../../xml/decl.js';
import { oneOf, onOff, str, uint } from '../../xml/values.js';

const sw = (doc?: string) => attr(onOff, doc !== undefined ? { doc } : {});

/** `<host>`: offloads of the host side of a virtio NIC. */
export const netDriverHost = element('host', {
  csum: sw(),
  gso: sw(),
  tso4: sw(),
  tso6: sw(),
  ecn: sw(),
  ufo: sw(),
  mrg_rxbuf: sw('mergeable receive buffers'),
});

/** `<guest>`: offloads offered to the guest. */
export const netDriverGuest = element('guest', {
  csum: sw(),
  tso4: sw(),
  tso6: sw(),
  ecn: sw(),
  ufo: sw(),
});

/** The virtio device options every virtio device shares (`virtioOptions`). */
export const virtioOptionFields = {
  iommu: sw('use the IOMMU (platform) for DMA'),
  ats: sw('Address Translation Service'),
  packed: sw('packed virtqueues'),
  page_per_vq: sw('one notification page per virtqueue'),
} as const;

const positive = uint();

/** `<driver>` of a virtio NIC; not written when empty. */
export const netDriver = element(
  'driver',
  {
    name: attr(oneOf('qemu', 'vhost'), { doc: 'qemu: userspace virtio-net; vhost: in-kernel vhost-net' }),
    txmode: attr(oneOf('iothread', 'timer')),
    ioeventfd: sw(),
    event_idx: sw(),
    queues: attr(positive, { omit: (v: number) => v <= 1, doc: 'number of queue pairs (multiqueue); 1 is the default and not written' }),
    rx_queue_size: attr(positive),
    tx_queue_size: attr(positive),
    rss: sw('receive side scaling'),
    rss_hash_report: sw(),
    ...virtioOptionFields,
    host: child(netDriverHost, { omitEmpty: true }),
    guest: child(netDriverGuest, { omitEmpty: true }),
  },
  { doc: 'virtio-net driver options' },
);
export type NetDriver = Infer<typeof netDriver>;

/** `<backend>`: host-side backend; `type='default'` is the enum's zero and not written. */
export const netBackend = element('backend', {
  type: attr(oneOf('default', 'passt'), { omit: (v: string) => v === 'default' }),
  tap: attr(str, { doc: 'tun/tap device path' }),
  vhost: attr(str, { doc: 'vhost-net device path' }),
  logFile: attr(str, { doc: 'passt log file' }),
  hostname: attr(str, { doc: 'passt: host name given to the guest by DHCP' }),
  fqdn: attr(str, { doc: 'passt: fully qualified domain name given to the guest' }),
});

/** `<tune><sndbuf>N</sndbuf></tune>`: tap send buffer size. */
export const netTune = element('tune', {
  sndbuf: value('sndbuf', uint({ max: Number.MAX_SAFE_INTEGER })),
});

/** `<coalesce><rx><frames max/></rx></coalesce>`: written only when max is set (non-zero). */
export const netCoalesce = element('coalesce', {
  rx: child(
    element('rx', {
      frames: child(element('frames', { max: attr(uint(), { omit: (v: number) => v === 0 }) }), { omitEmpty: true }),
    }),
    { omitEmpty: true },
  ),
});
