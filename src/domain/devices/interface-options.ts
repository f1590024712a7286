/**
 * The guest-facing options of `<interface>`: `<mac>`, `<target>`, `<guest>`,
 * `<model>`, passt's `<portForward>`, `<filterref>`, `<link>`, `<mtu>`, and
 * the model-dependent output rule of the virtio `<driver>`/`<backend vhost>`.
 */
import { attr, element, list, type CheckFailure, type FormatContext } from '../../xml/decl.js';
import { INVALID, mac, oneOf, pattern, str, uint, yesNo, type ValueType } from '../../xml/values.js';

function checkUnicast(m: { address: string }): CheckFailure | undefined {
  if (parseInt(m.address.slice(0, 2), 16) & 1) {
    return { code: 'invalid-value', message: `expected unicast mac address, found multicast '${m.address}'`, attribute: 'address' };
  }
  return undefined;
}

export const netMac = element(
  'mac',
  {
    // without an address libvirt reads past the <mac> and generates one
    address: attr(mac, { required: true, missing: 'ignore-element' }),
    type: attr(oneOf('generated', 'static')),
    check: attr(yesNo),
    currentAddress: attr(mac, { when: (ctx) => !ctx.inactive, doc: 'the MAC address the guest set (live XML)' }),
  },
  { check: checkUnicast },
);

/** Names libvirt generates for tap/macvtap devices; not written in inactive XML. */
const GENERATED_IFNAME = /^(vnet|macvtap|macvlan)/;

export const netTarget = element('target', {
  dev: attr(str, {
    doc: 'Host-side device name (tap/macvtap); required by the RNG, optional for libvirt’s parser (and left out of inactive XML when generated)',
    when: (ctx: FormatContext, t: { dev?: string; managed?: boolean }) =>
      !ctx.inactive || t.managed === false || !GENERATED_IFNAME.test(t.dev ?? ''),
  }),
  managed: attr(yesNo, { doc: 'no: use an existing tap device' }),
});

export const netGuest = element('guest', {
  dev: attr(str),
  actual: attr(str),
});

/** libvirt's known NIC models (`virDomainNetModel`), matched case-insensitively and written in this spelling. */
const KNOWN_MODELS = [
  'netfront',
  'rtl8139',
  'virtio',
  'e1000',
  'e1000e',
  'igb',
  'virtio-transitional',
  'virtio-non-transitional',
  'usb-net',
  'spapr-vlan',
  'lan9118',
  'smc91c111',
];
const MODEL_CHARS = /^[a-zA-Z0-9\-_]+$/;

/** A NIC model name (`virDomainNetSetModelString`): a known model in canonical spelling, or any name of model characters. */
const netModelType: ValueType<string> = {
  name: 'netModel',
  expected: 'Model name contains invalid characters',
  parse(t) {
    const lower = t.toLowerCase();
    const known = KNOWN_MODELS.find((m) => m === lower);
    if (known) return known;
    return MODEL_CHARS.test(t) ? t : INVALID;
  },
  format: (v) => v,
  is: (v): v is string => typeof v === 'string' && MODEL_CHARS.test(v),
  schema: { type: 'string', pattern: MODEL_CHARS.source },
};

export const netModel = element('model', {
  type: attr(netModelType, { required: true, missing: 'ignore-element', doc: 'virtio, e1000e, rtl8139, …' }),
});

const VIRTIO_MODELS = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);

type NicValue = { model?: { type: string }; driver?: unknown; backend?: { vhost?: string } };

/**
 * libvirt reads the virtio `<driver>` and `<backend vhost>` only for virtio
 * models: with an explicit other model they are not written.
 */
export function nicBeforeFormat<T extends NicValue>(v: T): T {
  if (v.model === undefined || VIRTIO_MODELS.has(v.model.type)) return v;
  if (v.driver === undefined && v.backend?.vhost === undefined) return v;
  const out = { ...v };
  delete out.driver;
  if (out.backend?.vhost !== undefined) {
    const { vhost: _vhost, ...backend } = out.backend;
    out.backend = backend;
  }
  return out;
}

/** `<script path/>`, `<downscript path/>`. */
export const pathElement = (name: string) => element(name, { path: attr(str, { required: true, missing: 'ignore-element' }) });

const portNumber = uint({ max: 65535 });

export const portForwardRange = element('range', {
  start: attr(portNumber, { required: true }),
  end: attr(portNumber, { omit: (v: number) => v === 0 }),
  to: attr(portNumber, { omit: (v: number) => v === 0 }),
  exclude: attr(yesNo),
});

/** `<portForward>` of passt (type='user' with `<backend type='passt'/>`). */
export const portForward = element('portForward', {
  proto: attr(oneOf('tcp', 'udp'), { required: true }),
  address: attr(str),
  dev: attr(str),
  ranges: list(portForwardRange),
});

export const filterParameter = element('parameter', {
  name: attr(pattern('filterParamName', /^[a-zA-Z0-9_]+$/), { required: true }),
  value: attr(pattern('filterParamValue', /^[a-zA-Z0-9_.:]+$/), { required: true }),
});

type FilterRefValue = { parameters?: Array<{ name: string }> };

/** `<filterref>`: libvirt keeps parameters in a hash and writes them sorted by name. */
export const filterRef = element(
  'filterref',
  {
    filter: attr(str, { required: true, missing: 'ignore-element', doc: 'nwfilter name' }),
    parameters: list(filterParameter),
  },
  {
    beforeFormat: (f: FilterRefValue) =>
      f.parameters && f.parameters.length > 1
        ? { ...f, parameters: [...f.parameters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) }
        : f,
  },
);

export const netLink = element('link', { state: attr(oneOf('up', 'down'), { required: true, missing: 'ignore-element' }) });

export const netMtu = element('mtu', { size: attr(uint(), { required: true }) });
