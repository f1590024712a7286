/**
 * `virtxml/model`: everything — the element declarations (`domain`,
 * `hostdev`, `networkForward`, …), their inferred types, and the engine that
 * reads and writes them (`parseWith`, `formatElement`, `toJsonSchema`, the
 * registry of document kinds) — for those who extend or introspect the model.
 * Every name of the root entry (`virtxml`) is here too, so one import serves.
 * Pure: no Node built-ins, runs in a browser.
 */
export {
  VirtXmlError,
  type VirtXmlErrorCode,
  type SourcePlace,
} from './xml/errors.js';
export {
  readXml,
  DEFAULT_MAX_SIZE,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ATTRIBUTES,
  DEFAULT_MAX_ELEMENTS,
  type InputLimits,
  type ReadOptions,
  type XmlDocument,
} from './xml/reader.js';
export { decodeXmlBytes, type DecodeOptions, type DecodedXml } from './xml/encoding.js';
export type { XmlElement, XmlNode, XmlAttribute, XmlText, XmlComment, XmlProcessingInstruction } from './xml/tree.js';
export { XmlSource, type Place } from './xml/source.js';
export type { Extra, FormatContext, Infer, Decl, ElementDecl, UnionDecl } from './xml/decl.js';
export type {
  AttrField,
  CheckFailure,
  ChildField,
  Field,
  Fields,
  FlagField,
  InferFields,
  LazyDecl,
  ListField,
  RawField,
  TextField,
  ValueField,
} from './xml/decl.js';
export { INVALID, type ValueType, type JsonSchema } from './xml/values.js';
export { parseWith, formatElement, formatContext, originOf } from './xml/codec.js';
export { toJsonSchema } from './xml/jsonschema.js';

export * from './common/basictypes.js';
export * from './common/networkcommon.js';
export * from './domain/index.js';
export * from './network/index.js';
export { buildPciDeviceList, type BuildPciDeviceListOptions } from './hostdev/pci-list.js';
export {
  PciDevice,
  PciDeviceFields,
  PCI_DEVICE_FIELDS,
  defaultStubDriver,
  type PciAddress,
  type PciStubDriverType,
  type PciUsedBy,
  type PciDeviceInit,
  type PciDeviceField,
  type PciDeviceFieldName,
  type PciDeviceFieldValues,
} from './pci/device.js';
export * from './pci/index.js';
export * from './hostdev/index.js';
/** The host's own documents: node devices, host capabilities, domain capabilities. */
export * from './nodedev/index.js';
export * from './capabilities/index.js';
export * from './domaincaps/index.js';
/** A domain's block-job documents: snapshots, checkpoints, backup jobs. */
export * from './blockjobs/index.js';

/** Any document kind, by its root element: the registry of kinds (domain, network, networkport, domstatus, nodedev, capabilities, domainCapabilities, device snippets, …). */
export { parseXml, formatXml, KINDS, KIND_NAMES, isKind, kindOfRoot, type Kind, type KindDef, type KindEntry, type AnyDocument, type DocumentDefs, type ParseXmlOptions, type FormatXmlOptions } from './kinds.js';

/** Validation: libvirt's RelaxNG verdict, its parse/define-time rules, virtxml's extensions; JSON Schema checks of defs. */
export * from './validate/index.js';
export type { Reporter, ReportOptions, Located, SemanticOptions, SemanticProfile } from './validate/semantic/context.js';
/** Builders: typed helpers that return the defs above with `toXml()` and `validate()` (`build.domain`, `build.hostdev.pci`, …). */
export * as build from './builders/index.js';
/** Storage pools, volumes and pool capabilities; secrets. */
export * from './storage/index.js';
export * from './secret/index.js';
export * from './nwfilter/index.js';
export * from './iface/index.js';
