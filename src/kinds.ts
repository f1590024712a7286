/**
 * THE REGISTRY OF DOCUMENT KINDS — the one place that maps a root element to
 * a kind, and a kind to everything virtxml knows about it.
 *
 * Every command and function that takes "a libvirt XML document" dispatches
 * through this table: `parseXml`/`formatXml`, `validateXml`, `checkDef` and
 * the JSON Schemas, and the CLI (`virtxml fmt`, `validate`, `convert`), which
 * recognise each file by its root element (`--kind` overrides). Nothing else
 * in the tree compares a root element name with a kind.
 *
 * ## Adding a kind (one entry)
 *
 * 1. Declare the root element and its children (one file per element family,
 *    e.g. `src/storage/pool.ts` exporting `pool = element('pool', …)` and
 *    `type StoragePoolDef = Infer<typeof pool>`).
 * 2. Add ONE entry to `DOCUMENTS` below:
 *
 *    ```ts
 *    pool: {
 *      root: 'pool',                       // the root element name (unique in the table)
 *      decl: pool,                         // its declaration: parse, format, TS type
 *      defName: 'StoragePoolDef',          // its def type's name (JSON Schema title)
 *      title: 'libvirt storage pool',      // one line, used in help and schema titles
 *      grammar: { grammar: 'storagepool', entry: 'pool' }, // libvirt's RelaxNG (optional; compiled per release by scripts/gen-rng.mjs)
 *      rules: poolSemanticDiagnostics,     // define-time rules (optional)
 *      schemaFile: true,                   // publish schemas/pool.schema.json (optional)
 *    },
 *    ```
 *
 *    The kind's name is the entry's key; the `KindDef<'pool'>` type, the
 *    `{ kind: 'pool', def }` case of `AnyDocument`, the JSON Schema (in
 *    memory, and in `schemas/` with `schemaFile`), and every CLI command
 *    follow from the entry. `npm run gen:schemas` writes the published
 *    schema files.
 *
 * Device snippets (hotplug XML: `<disk>`, `<interface>`, …) are entries too,
 * one per element of `<devices>` (../domain/device-xml.ts `DEVICE_FIELDS`),
 * made by `deviceEntry` below.
 */
import { domain, type DomainDef } from './domain/domain.js';
import { DEVICE_FIELDS, DEVICE_KINDS, deviceDecl, devicesWith, type DeviceDefOf, type DeviceKind } from './domain/device-xml.js';
import { domstatus, type DomainStatusDef } from './domain/domstatus.js';
import { networkDef, type NetworkDef } from './network/network.js';
import { networkPort, type NetworkPortDef } from './network/port.js';
import { nodeDeviceDef, type NodeDeviceDef } from './nodedev/device.js';
import { capabilitiesDef, type CapabilitiesDef } from './capabilities/capabilities.js';
import { capabilitiesLayout } from './capabilities/index.js';
import { domainCapabilitiesDef, type DomainCapabilitiesDef } from './domaincaps/domaincaps.js';
import { domainSnapshot, type DomainSnapshotDef } from './blockjobs/snapshot.js';
import { domainCheckpoint, type DomainCheckpointDef } from './blockjobs/checkpoint.js';
import { domainBackup, type DomainBackupDef } from './blockjobs/backup.js';
import { formatContext, formatElement, parseWith, rootError, strictness } from './xml/codec.js';
import { storagePoolDef, type StoragePoolDef } from './storage/pool.js';
import { storageVolDef, type StorageVolDef } from './storage/volume.js';
import { storagePoolCapabilitiesDef, type StoragePoolCapabilitiesDef } from './storage/poolcaps.js';
import { secretDef, type SecretDef } from './secret/secret.js';
import { storagePoolSemanticDiagnostics, storageVolSemanticDiagnostics } from './storage/rules.js';
import { resolveDecl, type Decl, type FormatContext } from './xml/decl.js';
import { VirtXmlError } from './xml/errors.js';
import { readXml, type ReadOptions, type XmlDocument } from './xml/reader.js';
import type { XmlElement } from './xml/tree.js';
import type { JsonSchema } from './xml/values.js';
import type { GrammarKind } from './validate/rng/since.js';
import { domainCapsDiagnostics } from './validate/semantic/domaincaps.js';
import { narrowPortSchema } from './validate/port-schema.js';
import type { SemanticOptions } from './validate/semantic/context.js';
import { deviceSemanticDiagnostics } from './validate/semantic-device.js';
import { domainSemanticDiagnostics } from './validate/semantic-domain.js';
import { networkPortSemanticDiagnostics, networkSemanticDiagnostics } from './validate/semantic-network.js';
import type { Diagnostic } from './validate/types.js';
import { nwfilterDef, type NwfilterDef } from './nwfilter/filter.js';
import { filterBindingDef, type FilterBindingDef } from './nwfilter/binding.js';
import { interfaceDef, isHostInterface, type HostInterfaceDef } from './iface/iface.js';

/** What virtxml knows about one document kind. `D` is the type of its def. */
export interface KindEntry<D = unknown> {
  /** The root element name. */
  readonly root: string;
  /** The declaration of the root element (parser, formatter, TS type, JSON Schema). */
  readonly decl: Decl;
  /** One line naming the kind, e.g. 'libvirt domain'. */
  readonly title: string;
  /** The name of its def type, e.g. 'DomainDef' (in the JSON Schema's title). */
  readonly defName?: string;
  /**
   * libvirt's RelaxNG grammar (which of each release's compiled schemas) and
   * its start; absent when libvirt has none (the `rng` layer is then silent).
   */
  readonly grammar?: { readonly grammar: GrammarKind; readonly entry: string };
  /**
   * libvirt's define-time rules (and virtxml's extension checks), as
   * diagnostics with places. (A method, so that an entry of any def type is a
   * `KindEntry<unknown>` to the generic code.)
   */
  rules?(def: D, options: SemanticOptions): Diagnostic[];
  /** libvirt's own layout of the formatted element beyond indentation (e.g. the blank lines of `<capabilities>`). */
  readonly layout?: (xml: string) => string;
  /** Output flags this kind's form always starts from (e.g. `<domstatus>` is status XML). */
  readonly formatDefaults?: Partial<FormatContext>;
  /** Publish the JSON Schema as `schemas/<kind>.schema.json`. */
  readonly schemaFile?: boolean;
  /** Narrows the generated JSON Schema to what the parser guarantees. */
  readonly refineSchema?: (schema: JsonSchema) => void;
  /** True for device snippets (elements of `<devices>`). */
  readonly device?: boolean;
  /**
   * For a root element two kinds share: whether a document is this kind's
   * (its content decides). Such a kind is recognised by this rule before the
   * root's other kind (a host `<interface>` before the device snippet).
   */
  readonly claims?: (root: XmlElement) => boolean;
}

/** The def type of each document kind (one line per kind). */
export interface DocumentDefs {
  domain: DomainDef;
  domstatus: DomainStatusDef;
  network: NetworkDef;
  networkport: NetworkPortDef;
  nodedev: NodeDeviceDef;
  capabilities: CapabilitiesDef;
  domainCapabilities: DomainCapabilitiesDef;
  pool: StoragePoolDef;
  volume: StorageVolDef;
  storagepoolCapabilities: StoragePoolCapabilitiesDef;
  secret: SecretDef;
  nwfilter: NwfilterDef;
  nwfilterbinding: FilterBindingDef;
  iface: HostInterfaceDef;
  domainsnapshot: DomainSnapshotDef;
  domaincheckpoint: DomainCheckpointDef;
  domainbackup: DomainBackupDef;
}

/** The documents: one entry per kind. */
const DOCUMENTS: { readonly [K in keyof DocumentDefs]: KindEntry<DocumentDefs[K]> } = {
  domain: {
    root: 'domain',
    defName: 'DomainDef',
    decl: domain,
    title: 'libvirt domain',
    grammar: { grammar: 'domain', entry: 'domain' },
    rules: domainRules,
    schemaFile: true,
  },
  domstatus: {
    root: 'domstatus',
    defName: 'DomainStatusDef',
    decl: domstatus,
    title: "libvirt's status of a running domain",
    // libvirt has no schema of its status files; the domain inside follows the domain's rules,
    // except that a running domain's aliases are its live ones (not dropped, as in an inactive definition)
    rules: (def, o) => domainSemanticDiagnostics(def.domain, o).filter((d) => d.code !== 'libvirt-alias-dropped'),
    formatDefaults: { status: true },
  },
  network: {
    root: 'network',
    defName: 'NetworkDef',
    decl: networkDef,
    title: 'libvirt network',
    grammar: { grammar: 'network', entry: 'network' },
    rules: networkSemanticDiagnostics,
    schemaFile: true,
  },
  networkport: {
    root: 'networkport',
    defName: 'NetworkPortDef',
    decl: networkPort,
    title: 'libvirt network port',
    grammar: { grammar: 'networkport', entry: 'networkport' },
    rules: networkPortSemanticDiagnostics,
    schemaFile: true,
    refineSchema: narrowPortSchema,
  },
  // the host's own documents; libvirt's parser has the last word on them
  nodedev: {
    root: 'device',
    defName: 'NodeDeviceDef',
    decl: nodeDeviceDef,
    title: 'libvirt node device',
    grammar: { grammar: 'nodedev', entry: 'nodedev' },
    schemaFile: true,
  },
  capabilities: {
    root: 'capabilities',
    defName: 'CapabilitiesDef',
    decl: capabilitiesDef,
    title: 'libvirt host capabilities',
    grammar: { grammar: 'capabilities', entry: 'capabilities' },
    layout: capabilitiesLayout,
    schemaFile: true,
  },
  domainCapabilities: {
    root: 'domainCapabilities',
    defName: 'DomainCapabilitiesDef',
    decl: domainCapabilitiesDef,
    title: 'libvirt domain capabilities',
    grammar: { grammar: 'domaincaps', entry: 'domaincaps' },
    schemaFile: true,
  },
  pool: {
    root: 'pool',
    defName: 'StoragePoolDef',
    decl: storagePoolDef,
    title: 'libvirt storage pool',
    grammar: { grammar: 'storagepool', entry: 'storagepool' },
    rules: storagePoolSemanticDiagnostics,
    schemaFile: true,
  },
  volume: {
    root: 'volume',
    defName: 'StorageVolDef',
    decl: storageVolDef,
    title: 'libvirt storage volume',
    grammar: { grammar: 'storagevol', entry: 'storagevol' },
    rules: storageVolSemanticDiagnostics,
    schemaFile: true,
  },
  storagepoolCapabilities: {
    root: 'storagepoolCapabilities',
    defName: 'StoragePoolCapabilitiesDef',
    decl: storagePoolCapabilitiesDef,
    title: 'libvirt storage pool capabilities',
    grammar: { grammar: 'storagepoolcaps', entry: 'storagepoolcaps' },
    schemaFile: true,
  },
  secret: {
    root: 'secret',
    defName: 'SecretDef',
    decl: secretDef,
    title: 'libvirt secret',
    grammar: { grammar: 'secret', entry: 'secret' },
    schemaFile: true,
  },
  nwfilter: {
    root: 'filter',
    defName: 'NwfilterDef',
    decl: nwfilterDef,
    title: 'libvirt network filter',
    grammar: { grammar: 'nwfilter', entry: 'nwfilter' },
    schemaFile: true,
  },
  nwfilterbinding: {
    root: 'filterbinding',
    defName: 'FilterBindingDef',
    decl: filterBindingDef,
    title: 'libvirt network filter binding',
    grammar: { grammar: 'nwfilterbinding', entry: 'nwfilterbinding' },
    schemaFile: true,
  },
  // a host interface's root <interface> is also the device snippet's: told apart by content (isHostInterface)
  iface: {
    root: 'interface',
    defName: 'HostInterfaceDef',
    decl: interfaceDef,
    title: 'libvirt host network interface',
    grammar: { grammar: 'interface', entry: 'interface' },
    schemaFile: true,
    claims: isHostInterface,
  },
  // a domain's block-job documents; the domain inside a snapshot or checkpoint is written inactive
  domainsnapshot: {
    root: 'domainsnapshot',
    defName: 'DomainSnapshotDef',
    decl: domainSnapshot,
    title: 'libvirt domain snapshot',
    grammar: { grammar: 'domainsnapshot', entry: 'domainsnapshot' },
    formatDefaults: { inactive: true },
    schemaFile: true,
  },
  domaincheckpoint: {
    root: 'domaincheckpoint',
    defName: 'DomainCheckpointDef',
    decl: domainCheckpoint,
    title: 'libvirt domain checkpoint',
    grammar: { grammar: 'domaincheckpoint', entry: 'domaincheckpoint' },
    formatDefaults: { inactive: true },
    schemaFile: true,
  },
  domainbackup: {
    root: 'domainbackup',
    defName: 'DomainBackupDef',
    decl: domainBackup,
    title: 'libvirt domain backup job',
    grammar: { grammar: 'domainbackup', entry: 'domainbackup' },
    formatDefaults: { inactive: true },
    schemaFile: true,
  },
};

/** A domain's rules: libvirt's define-time checks, and what the host's hypervisor cannot do when its `<domainCapabilities>` is given. */
function domainRules(def: DomainDef, o: SemanticOptions): Diagnostic[] {
  const ds = domainSemanticDiagnostics(def, o);
  if (o.domainCapabilities) ds.push(...domainCapsDiagnostics(def, o.domainCapabilities, o.file));
  return ds;
}

/** A device snippet's entry: its declaration is `<devices>`' own, its rules the device rules of a domain. */
function deviceEntry<K extends DeviceKind>(k: K): KindEntry<DeviceDefOf<K>> {
  return {
    root: k,
    decl: deviceDecl(k),
    title: `libvirt <${k}> device (hotplug XML)`,
    grammar: { grammar: 'domain', entry: k },
    rules: (def, o) => deviceSemanticDiagnostics(devicesWith(k, def), o),
    device: true,
  };
}

type DeviceEntries = { readonly [K in DeviceKind]: KindEntry<DeviceDefOf<K>> };
const DEVICES = Object.fromEntries(DEVICE_KINDS.map((k) => [k, deviceEntry(k)])) as unknown as DeviceEntries;

/** Every kind virtxml reads and writes, by name. */
export const KINDS: typeof DOCUMENTS & DeviceEntries = { ...DOCUMENTS, ...DEVICES };

/** A document kind: `'domain'`, `'network'`, `'networkport'`, `'domstatus'`, `'nodedev'`, `'capabilities'`, `'domainCapabilities'`, or a device element (`'disk'`, …). */
export type Kind = keyof typeof KINDS;
/** The def type of a kind, e.g. `KindDef<'network'>` is `NetworkDef`. */
export type KindDef<K extends Kind> = (typeof KINDS)[K] extends KindEntry<infer D> ? D : never;
/** A parsed document: its kind and its def, narrowed by kind. */
export type AnyDocument = { [K in Kind]: { kind: K; def: KindDef<K> } }[Kind];

/** Every kind's name: documents first, then device snippets. */
export const KIND_NAMES = Object.keys(KINDS) as Kind[];

// the one map from root element to kind; a kind with a content rule (`claims`) is tried first
const BY_ROOT = new Map<string, Kind>();
const CLAIMS = new Map<string, Kind[]>();
for (const k of KIND_NAMES) {
  const e: KindEntry = KINDS[k];
  if (e.claims) {
    CLAIMS.set(e.root, [...(CLAIMS.get(e.root) ?? []), k]);
    continue;
  }
  if (BY_ROOT.has(e.root)) throw new Error(`two document kinds with root <${e.root}>`);
  BY_ROOT.set(e.root, k);
}

/** Is `name` a kind virtxml knows? */
export function isKind(name: string): name is Kind {
  return Object.hasOwn(KINDS, name);
}

/** The registry entry of a kind. */
export function kindEntry<K extends Kind>(k: K): KindEntry<KindDef<K>> {
  return KINDS[k] as KindEntry<KindDef<K>>;
}

/**
 * The kind whose root element is `name`, if virtxml knows one. Where two
 * kinds share a root (`<interface>`: a host interface, or a domain's device
 * snippet), the root element itself decides by content (the kinds'
 * `claims` rules); by name alone it is the kind without a rule.
 */
export function kindOfRoot(name: string, root?: XmlElement): Kind | undefined {
  if (root !== undefined) for (const k of CLAIMS.get(name) ?? []) if (KINDS[k].claims?.(root)) return k;
  return BY_ROOT.get(name) ?? CLAIMS.get(name)?.[0];
}

/** The id (and `$schema` value) of a kind's JSON Schema. */
export function schemaId(k: Kind): string {
  return `https://virtxml.dev/schemas/${k}.schema.json`;
}

/** The kind whose JSON Schema id is `id`. */
export function kindOfSchemaId(id: unknown): Kind | undefined {
  if (typeof id !== 'string') return undefined;
  const m = /^https:\/\/virtxml\.dev\/schemas\/([A-Za-z-]+)\.schema\.json$/.exec(id);
  return m && isKind(m[1]!) ? m[1] : undefined;
}

/** How the registry names what it expected, for the one `xml-root` error. */
function expectedRoots(k: Kind | undefined): string {
  if (k !== undefined) return `<${KINDS[k].root}>`;
  // a root two kinds share (a host <interface>) is named once, among the device elements
  const docs = Object.values(DOCUMENTS)
    .filter((d: KindEntry) => !d.claims)
    .map((d: KindEntry) => `<${d.root}>`);
  return `${docs.join(', ')} or a device element (<disk>, <interface>, <hostdev>, …)`;
}

/**
 * The kind of a read document: `kind` when given (the root must then be its
 * element), else the one its root element names. Throws the `xml-root` error.
 */
export function kindOf(doc: XmlDocument, k?: Kind): Kind {
  const found = k ?? kindOfRoot(doc.root.name, doc.root);
  if (found === undefined || KINDS[found].root !== doc.root.name) throw rootError(doc, expectedRoots(k));
  return found;
}

/** How `defOf` reads: origins kept, and what becomes of words and cases the declarations do not know. */
export interface DefOfOptions {
  /** Keep where each def object came from, for `originOf`. */
  keepOrigins?: boolean;
  /** Refuse (throw) a word or union case the declarations do not know, as libvirt's parser does. */
  strict?: boolean;
  /** Told of each word or case the declarations do not know (kept otherwise); overrides `strict`. */
  onUnknown?: (e: VirtXmlError) => void;
}

/** Reads the def of a read document with its kind's declaration (comments and PIs around the root kept in its `$extra`). */
export function defOf(doc: XmlDocument, k: Kind, options: DefOfOptions = {}): unknown {
  const unknown = options.onUnknown !== undefined ? { onUnknown: options.onUnknown } : strictness(options.strict);
  return parseWith(KINDS[k].decl, doc.root, doc.source, { keepOrigins: options.keepOrigins ?? false, document: doc, ...unknown });
}

export interface ParseXmlOptions extends ReadOptions {
  /** The kind expected; by default the root element decides. */
  kind?: Kind;
  /** Keep where each def object came from, for `originOf` (diagnostics after parsing). */
  keepOrigins?: boolean;
  /**
   * Refuse, as libvirt's own parser does, a word or a union case the
   * declarations do not know. By default such values are kept, typed as
   * strings, written back unchanged, and reported by `validateXml`.
   */
  strict?: boolean;
}

/**
 * Reads any libvirt document virtxml knows — the root element decides its
 * kind — into `{ kind, def }`. Throws {@link VirtXmlError} with a place on
 * bad input (`xml-root` for an unknown root).
 */
export function parseXml<K extends Kind = Kind>(xml: string, options: ParseXmlOptions & { kind?: K } = {}): Extract<AnyDocument, { kind: K }> {
  const doc = readXml(xml, options);
  const k = kindOf(doc, options.kind);
  return { kind: k, def: defOf(doc, k, { keepOrigins: options.keepOrigins, strict: options.strict }) } as Extract<AnyDocument, { kind: K }>;
}

/** Output flags of `formatXml`. */
export interface FormatXmlOptions {
  /** Status XML: `<actual>` of interfaces, `<origstates>` of PCI hostdevs. */
  status?: boolean;
  /** Inactive (config) XML: no live-only data. */
  inactive?: boolean;
  /** Leave out virtxml's extensions (`group='auto'`) for an upstream libvirt. */
  stripExtensions?: boolean;
  /** The libvirt release whose output to match byte for byte, where releases differ (default: the newest, 12.9). */
  libvirt?: string;
}

/** Writes a `{ kind, def }` in libvirt's canonical form, ending with a newline. */
export function formatXml(document: AnyDocument, options: FormatXmlOptions = {}): string {
  const k = document.kind;
  if (!isKind(String(k))) throw new VirtXmlError('invalid-value', `cannot format: unknown document kind ${JSON.stringify(k)}`);
  const e: KindEntry = KINDS[k];
  const decl = resolveDecl(e.decl);
  const flags: Partial<FormatContext> = { ...e.formatDefaults };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) flags[key as keyof FormatXmlOptions] = value;
  const xml = formatElement(decl, document.def as object, formatContext(flags), 0);
  return (e.layout ? e.layout(xml) : xml) + '\n';
}
