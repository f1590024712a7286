/**
 * A host PCI device as the hostdev manager sees it (libvirt's `virPCIDevice`):
 * its address and name, how it is to be detached (stub driver, managed) and
 * the bookkeeping libvirt keeps about it (usedBy, original-state flags).
 *
 * The device's settings and bookkeeping are declared once, in
 * `PCI_DEVICE_FIELDS`: each field's initial value (and so its TypeScript
 * type) and how the hostdev state file keeps it (its JSON Schema). The
 * `PciDevice` fields, `copy()`, the state file's records and their JSON
 * Schema (../hostdev/state.ts, ../hostdev/journal.ts) all follow from it, so
 * a new field is one line here.
 */
import { pciAddressName, type PciAddress, type PciAddressNumbers } from '../common/basictypes.js';

export type { PciAddress };

/** libvirt's `virPCIStubDriver`: the kind of stub a device is detached to. */
export type PciStubDriverType = 'vfio' | 'xen';

/** Who holds an active device: libvirt's `usedBy` (driver name, domain name). */
export interface PciUsedBy {
  driver: string;
  domain: string;
}

/** One field of a PCI device: its initial value and its JSON Schema in the hostdev state file. */
export interface PciDeviceField<T> {
  readonly initial: T;
  /** The JSON Schema of the value in the state file (an `undefined` initial value: the field may be left out). */
  readonly schema: Readonly<Record<string, unknown>>;
}

const field = <T>(initial: T, schema: Readonly<Record<string, unknown>>): PciDeviceField<T> => ({ initial, schema });
const BOOL = { type: 'boolean' };
const STR = { type: 'string' };

/** THE list of a PCI device's settings and bookkeeping, in the state file's order. */
export const PCI_DEVICE_FIELDS = {
  /** libvirt detaches the device from its host driver itself (`managed='yes'`). */
  managed: field(false, BOOL),
  stubDriverType: field<PciStubDriverType>('vfio', { enum: ['vfio', 'xen'] }),
  /** The driver the device is bound to when detached (`vfio-pci`, a variant, or `pciback`). */
  stubDriver: field('vfio-pci', STR),
  /** virtxml's seed extension: detach/re-attach the device's whole IOMMU group. */
  attachGroup: field(false, BOOL),
  /** Original-state flags (persisted as `<origstates>`): set when libvirt unbound the device. */
  unbindFromStub: field(false, BOOL),
  removeSlot: field(false, BOOL),
  reprobe: field(false, BOOL),
  /** Who holds the device (active devices). */
  usedBy: field<PciUsedBy | undefined>(undefined, {
    type: 'object',
    properties: { driver: STR, domain: STR },
    required: ['driver', 'domain'],
    additionalProperties: false,
  }),
  /**
   * The driver the device was bound to before the manager detached it
   * (virtxml's addition, so a device goes back to its original driver):
   * a name, `null` when it was unbound, `undefined` when unknown (then the
   * kernel chooses, by `drivers_probe`, as libvirt does).
   */
  origDriver: field<string | null | undefined>(undefined, { type: ['string', 'null'] }),
};

/** The name of a PCI device field (`'managed'`, `'usedBy'`, …). */
export type PciDeviceFieldName = keyof typeof PCI_DEVICE_FIELDS;
/** A PCI device's settings and bookkeeping, as values. */
export type PciDeviceFieldValues = { -readonly [K in keyof typeof PCI_DEVICE_FIELDS]: (typeof PCI_DEVICE_FIELDS)[K]['initial'] };

/** The field names, in declaration order. */
export const PCI_DEVICE_FIELD_NAMES: readonly PciDeviceFieldName[] = Object.keys(PCI_DEVICE_FIELDS).filter(isFieldName);

function isFieldName(k: string): k is PciDeviceFieldName {
  return Object.hasOwn(PCI_DEVICE_FIELDS, k);
}

/** The fields the state file may leave out (their initial value is `undefined`). */
export const PCI_DEVICE_OPTIONAL_FIELDS: readonly PciDeviceFieldName[] = PCI_DEVICE_FIELD_NAMES.filter((k) => PCI_DEVICE_FIELDS[k].initial === undefined);

/** The declaration seen field by field (what a generic key reads: the field of that key's type). */
const FIELD_OF: { readonly [K in PciDeviceFieldName]: PciDeviceField<PciDeviceFieldValues[K]> } = PCI_DEVICE_FIELDS;

function initField<K extends PciDeviceFieldName>(to: PciDeviceFieldValues, k: K): void {
  to[k] = FIELD_OF[k].initial;
}

function copyField<K extends PciDeviceFieldName>(from: PciDeviceFieldValues, to: PciDeviceFieldValues, k: K): void {
  to[k] = copyValue(from[k]);
}

/** A value, with an object (usedBy) copied rather than shared. */
function copyValue<T>(v: T): T {
  return v !== null && typeof v === 'object' ? { ...v } : v;
}

/** Copies every field of `from` into `to` (objects copied, not shared). */
export function copyPciDeviceFields(from: PciDeviceFieldValues, to: PciDeviceFieldValues): void {
  for (const k of PCI_DEVICE_FIELD_NAMES) copyField(from, to, k);
}

/** The values of `PCI_DEVICE_FIELDS` as an object: each field at its initial value. */
export interface PciDeviceFields extends PciDeviceFieldValues {}
export class PciDeviceFields {
  constructor() {
    for (const k of PCI_DEVICE_FIELD_NAMES) initField(this, k);
  }
}

export interface PciDeviceInit {
  address: PciAddressNumbers;
  managed?: boolean;
  stubDriverType?: PciStubDriverType;
  /** Explicit stub driver name (`<driver model>`); default from the type. */
  stubDriverName?: string;
  attachGroup?: boolean;
}

export class PciDevice extends PciDeviceFields {
  readonly address: PciAddress;
  /** `DDDD:BB:SS.F`. */
  readonly name: string;

  constructor(init: PciDeviceInit) {
    super();
    const a = init.address;
    this.address = { domain: a.domain ?? 0, bus: a.bus ?? 0, slot: a.slot ?? 0, function: a.function ?? 0 };
    this.name = pciAddressName(this.address);
    this.managed = init.managed ?? false;
    this.stubDriverType = init.stubDriverType ?? 'vfio';
    this.stubDriver = init.stubDriverName ?? defaultStubDriver(this.stubDriverType);
    this.attachGroup = init.attachGroup ?? false;
  }

  /** A copy with the same settings and bookkeeping (libvirt's `virPCIDeviceCopy`). */
  copy(): PciDevice {
    const d = new PciDevice({ address: this.address });
    copyPciDeviceFields(this, d);
    return d;
  }
}

export function defaultStubDriver(type: PciStubDriverType): string {
  return type === 'vfio' ? 'vfio-pci' : 'pciback';
}
