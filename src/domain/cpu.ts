/**
 * The guest `<cpu>`: mode, model, vendor, topology, cache, physical address
 * bits, features and NUMA cells, as `virCPUDefFormatBufFull` writes them
 * for a guest CPU (children: model, vendor, topology, cache, maxphysaddr,
 * feature…, numa).
 */
import { attr, child, element, list, text, value, type CheckFailure, type Infer } from '../xml/decl.js';
import { oneOf, onOff, pattern, str, uint } from '../xml/values.js';
import { numa } from './numa.js';

export const cpuModel = element(
  'model',
  {
    // libvirt writes fallback with a model name only (a host-model CPU's <model vendor_id/> has none)
    fallback: attr(oneOf('allow', 'forbid'), { omit: (_v, m: { name?: string }) => m.name === undefined }),
    vendor_id: attr(pattern('vendorId', /^[^,]{12}$/)),
    name: text(str),
  },
  {
    // libvirt keeps "allow" as the default and writes it with every model name
    check: (v: { name?: string; fallback?: string }) => {
      if (v.name !== undefined && v.fallback === undefined) v.fallback = 'allow';
      return undefined;
    },
  },
);

const positive = uint({ max: 0xffffffff });

/** `<topology>`: dies and clusters are 1 when not given, and always written. */
export const cpuTopology = element('topology', {
  sockets: attr(positive, { required: true }),
  dies: attr(positive, { default: 1 }),
  clusters: attr(positive, { default: 1 }),
  cores: attr(positive, { required: true }),
  threads: attr(positive, { required: true }),
});

export const cpuCache = element('cache', {
  level: attr(oneOf('1', '2', '3')),
  mode: attr(oneOf('emulate', 'passthrough', 'disable'), { required: true }),
});

export const maxphysaddr = element('maxphysaddr', {
  mode: attr(oneOf('emulate', 'passthrough'), { required: true }),
  bits: attr(uint()),
  limit: attr(uint()),
});

/** `<feature policy name/>`: a guest CPU feature; `require` when no policy is given. */
export const cpuFeature = element('feature', {
  policy: attr(oneOf('force', 'require', 'optional', 'disable', 'forbid'), { default: 'require' }),
  name: attr(pattern('featureName', /^[a-zA-Z0-9\-_.]+$/), { required: true }),
});

type CpuAttrs = { mode?: string; model?: { name?: string; vendor_id?: string; $extra?: unknown } };
const hasModel = (p: CpuAttrs) => p.model?.name !== undefined;
/**
 * Whether `<model>` is written: with a name, with a vendor_id (a host-model
 * CPU's `<model vendor_id='…'/>`), or with content the declarations do not
 * know (kept, never dropped). A model holding only a fallback is libvirt's
 * default, not written.
 */
const writesModel = (p: CpuAttrs) => hasModel(p) || p.model?.vendor_id !== undefined || p.model?.$extra !== undefined;

/** A model name without a mode is a custom CPU matched exactly (libvirt's defaults). */
function cpuDefaults(v: CpuAttrs & { match?: string }): CheckFailure | undefined {
  if (hasModel(v)) {
    v.mode ??= 'custom';
    if (v.mode === 'custom') v.match ??= 'exact';
  }
  return undefined;
}

export const cpu = element(
  'cpu',
  {
    // written unless the CPU is custom without a model
    mode: attr(oneOf('custom', 'host-model', 'host-passthrough', 'maximum'), {
      omit: (v, p: CpuAttrs) => v === 'custom' && !hasModel(p),
    }),
    // written for a custom CPU with a model only
    match: attr(oneOf('minimum', 'exact', 'strict'), { omit: (_v, p: CpuAttrs) => (p.mode ?? 'custom') !== 'custom' || !hasModel(p) }),
    check: attr(oneOf('none', 'partial', 'full')),
    // written for host-passthrough and maximum only
    migratable: attr(onOff, { omit: (_v, p: CpuAttrs) => p.mode !== 'host-passthrough' && p.mode !== 'maximum' }),
    deprecated_features: attr(onOff, { doc: "host-model/passthrough: keep ('on') or drop ('off') the CPU features QEMU deprecates" }),
    // libvirt keeps a model without a name (host-model's fallback) but does not write it
    model: child(cpuModel, { when: (_c, p: CpuAttrs) => writesModel(p) }),
    vendor: value('vendor', str),
    topology: child(cpuTopology),
    cache: child(cpuCache),
    maxphysaddr: child(maxphysaddr),
    features: list(cpuFeature),
    numa: child(numa),
  },
  { check: cpuDefaults, doc: 'Guest CPU model, topology and NUMA' },
);
export type CpuDef = Infer<typeof cpu>;
