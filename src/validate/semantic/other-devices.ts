/**
 * Rules of libvirt's device parsers and `virDomainDeviceDefValidate` for
 * the smaller device families: TPM backends (`virDomainTPMDefParseXML`),
 * filesystems (`virDomainFSDefValidate`), graphics (RDP), the guest IOMMU
 * (`virDomainIOMMUDefValidate`), input devices (`virDomainInputDefParseXML`,
 * `virDomainInputDefValidate`), attributes libvirt's parser reads with
 * VIR_XML_PROP_NONZERO, and the guest address types a device may have
 * (`virDomainDeviceInfoValidate`, the USB and CCID address checks, the dimm
 * address's required slot). Each message is libvirt's.
 */
import { childOf, hasExtraElement, type Located, type Reporter } from './context.js';
import { diskBus } from './address.js';
import { originOf } from '../../xml/codec.js';
import { DEVICES_PATH, devicesOf, familyOf, type DeviceScope } from './devices.js';

export function checkOtherDevices(def: DeviceScope, r: Reporter): void {
  checkNonZero(def, r);
  checkAddressTypes(def, r);
  checkTpms(def, r);
  checkFilesystems(def, r);
  checkGraphics(def, r);
  checkIommu(def, r);
  checkInputs(def, r);
  checkVirtioOptions(def, r);
  checkControllerIothreads(def, r);
  checkLeases(def, r);
  checkVideoAcceleration(def, r);
}

/** A lease names its key (`virDomainLeaseDefParseXML`); an empty lockspace makes libvirt 12.9 fail without saying why. */
function checkLeases(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'leases')) {
    if (!l.obj.key) r.at(l, 'libvirt-lease', "XML error: Missing 'key' element for lease");
    else if (l.obj.lockspace === '' || (l.obj.lockspace === undefined && hasChildElement(l.obj, 'lockspace'))) {
      r.at(l, 'libvirt-lease', 'An error occurred, but the cause is unknown');
    }
  }
}

/** Whether the element a parsed def came from has a child `name` (an empty one the model reads as absent). */
function hasChildElement(obj: object, name: string): boolean {
  const o = originOf(obj);
  return o !== undefined && o.el.children.some((c) => c.type === 'element' && c.name === name);
}

/** `<acceleration>` says something (`virDomainVideoAccelDefParseXML`). */
function checkVideoAcceleration(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'videos')) {
    const acc = l.obj.model?.acceleration;
    if (acc && acc.accel2d === undefined && acc.accel3d === undefined && acc.rendernode === undefined) {
      r.at(childOf(childOf(l, 'model', l.obj.model), 'acceleration', acc), 'libvirt-video-acceleration', 'unsupported configuration: missing values for acceleration');
    }
  }
}

const VIRTIO_MODELS: ReadonlySet<string | undefined> = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);
/** The virtio options of a `<driver>`, in the order libvirt checks them (`virDomainCheckVirtioOptionsAreAbsent`), with its words. */
const VIRTIO_OPTIONS = [
  ['iommu', 'iommu driver option'],
  ['ats', 'ats driver option'],
  ['packed', 'packed driver option'],
  ['page_per_vq', 'page_per_vq option'],
] as const;

/** Whether a device of these families is a virtio device (the families whose validation checks it). */
function isVirtio(dev: ReturnType<typeof devicesOf>[number]): boolean | undefined {
  const o = dev.obj;
  switch (dev.family) {
    case 'disks': {
      const t = 'target' in o ? o.target : undefined;
      if (!t || !('dev' in t) || typeof t.dev !== 'string') return undefined;
      return diskBus({ dev: t.dev, ...('bus' in t && typeof t.bus === 'string' ? { bus: t.bus } : {}) }) === 'virtio';
    }
    case 'interfaces':
      return 'model' in o && o.model !== undefined && typeof o.model === 'object' && 'type' in o.model ? VIRTIO_MODELS.has(o.model.type) : false;
    case 'videos':
      return 'model' in o && o.model !== undefined && typeof o.model === 'object' && 'type' in o.model ? o.model.type === 'virtio' : false;
    case 'vsock':
      return 'model' in o && typeof o.model === 'string' ? VIRTIO_MODELS.has(o.model) : false;
    case 'memories':
      return 'model' in o && (o.model === 'virtio-pmem' || o.model === 'virtio-mem');
    default:
      return undefined;
  }
}

/** Virtio driver options on a device that is not virtio (a disk off the virtio bus, a NIC, video card, vsock or memory device of another model). */
function checkVirtioOptions(def: DeviceScope, r: Reporter): void {
  for (const dev of devicesOf(def)) {
    if (isVirtio(dev) !== false) continue;
    const driver = 'driver' in dev.obj ? dev.obj.driver : undefined;
    if (!driver || typeof driver !== 'object') continue;
    const set = VIRTIO_OPTIONS.find(([k]) => k in driver && Reflect.get(driver, k) !== undefined);
    if (set) r.at(childOf(dev, 'driver', driver), 'libvirt-virtio-option', `unsupported configuration: ${set[1]} is only supported for virtio devices`, { attribute: set[0] });
  }
}

/** A controller's I/O threads: a list only on virtio-scsi (`virDomainControllerDefValidate`), the iothread attribute only on virtio SCSI (the parser). */
function checkControllerIothreads(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'controllers')) {
    const c = l.obj;
    const d = c.driver;
    if (!d) continue;
    const virtioScsi = c.type === 'scsi' && VIRTIO_SCSI.has('model' in c ? c.model : undefined);
    if ('iothread' in d && d.iothread !== undefined && !virtioScsi) {
      r.at(childOf(l, 'driver', d), 'libvirt-controller-iothread', "XML error: 'iothread' attribute only supported for virtio scsi controllers", { attribute: 'iothread' });
    } else if (hasExtraElement(d, 'iothreads') && !virtioScsi) {
      // (<driver><iothreads> is kept as content the controller's declaration does not give)
      r.at(childOf(l, 'driver', d), 'libvirt-controller-iothread', "unsupported configuration: iothreads are supported only by 'virtio-scsi' controllers");
    }
  }
}
const VIRTIO_SCSI: ReadonlySet<unknown> = new Set(['virtio-scsi', 'virtio-transitional', 'virtio-non-transitional']);

const zero = (element: string, attribute: string) => `XML error: Invalid value for attribute '${attribute}' in element '${element}': Zero is not permitted`;

/** Attributes libvirt reads as non-zero numbers (VIR_XML_PROP_NONZERO): an audio id, an ACPI index, a vsock CID, virtio sound streams. */
function checkNonZero(def: DeviceScope, r: Reporter): void {
  const code = 'libvirt-nonzero';
  for (const l of familyOf(def, 'audios')) if (l.obj.id === 0) r.at(l, code, zero('audio', 'id'), { attribute: 'id' });
  for (const l of familyOf(def, 'sounds')) {
    const s = l.obj;
    if (s.streams === 0) r.at(l, code, zero('sound', 'streams'), { attribute: 'streams' });
    if (s.audio?.id === 0) r.at(childOf(l, 'audio', s.audio), code, zero('audio', 'id'), { attribute: 'id' });
  }
  for (const l of familyOf(def, 'graphics')) {
    const g = l.obj;
    if ('audio' in g && g.audio?.id === 0) r.at(childOf(l, 'audio', g.audio), code, zero('audio', 'id'), { attribute: 'id' });
  }
  for (const dev of devicesOf(def)) {
    const acpi = dev.info.acpi;
    if (acpi?.index === 0 && !dev.mirror) r.at(childOf(dev, 'acpi', acpi), code, zero('acpi', 'index'), { attribute: 'index' });
  }
  const cid = def.devices?.vsock?.cid;
  if (cid?.address === 0) r.at({ obj: cid, path: `${DEVICES_PATH}/vsock/cid` }, code, zero('cid', 'address'), { attribute: 'address' });
}

/**
 * The address types a device may have: `unassigned` only on host devices
 * (`virDomainDeviceInfoValidate`), only `usb` on a redirected USB device and
 * a USB input device, only `ccid` on a smartcard; a dimm address needs its
 * slot (the address parser).
 */
function checkAddressTypes(def: DeviceScope, r: Reporter): void {
  for (const dev of devicesOf(def)) {
    const a = dev.info.address;
    if (!a || dev.mirror) continue;
    const at = childOf(dev, 'address', a);
    if (a.type === 'dimm' && a.slot === undefined) {
      r.at(at, 'libvirt-address-dimm', "XML error: Missing required attribute 'slot' in element 'address'");
      continue;
    }
    const usb = dev.family === 'redirdevs' || (dev.family === 'inputs' && 'bus' in dev.obj && dev.obj.bus === 'usb');
    if (usb && a.type !== 'usb') r.at(at, 'libvirt-address-usb', 'XML error: Invalid address for a USB device', { attribute: 'type' });
    else if (dev.family === 'smartcards' && a.type !== 'ccid') {
      r.at(at, 'libvirt-address-ccid', "unsupported configuration: Controllers must use the 'ccid' address type", { attribute: 'type' });
    } else if (a.type === 'unassigned' && dev.family !== 'hostdevs') {
      r.at(at, 'libvirt-address-unassigned', "unsupported configuration: address of type 'unassigned' is supported only for hostdevs", { attribute: 'type' });
    }
  }
}

function checkTpms(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'tpms')) {
    const b = l.obj.backend;
    if (!b) continue;
    const at = childOf(l, 'backend', b);
    if (b.type === 'external' && !b.source) r.at(at, 'libvirt-tpm-source', 'XML error: missing external TPM backend source type');
    if (b.type !== 'emulator') continue;
    const banks = b.active_pcr_banks;
    if (banks && (banks.sha1 || banks.sha256 || banks.sha384 || banks.sha512) && b.version !== '2.0') {
      r.at(childOf(at, 'active_pcr_banks', banks), 'libvirt-tpm-version', "XML error: <active_pcr_banks/> requires TPM version '2.0'");
    }
    // (a <profile> without source is read past)
    if (b.profile?.source !== undefined && b.version !== '2.0') r.at(childOf(at, 'profile', b.profile), 'libvirt-tpm-version', "XML error: <profile/> requires TPM version '2.0'");
  }
}

function checkFilesystems(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'filesystems')) {
    const fs = l.obj;
    if (fs.boot && fs.driver?.type !== 'virtiofs') r.at(childOf(l, 'boot', fs.boot), 'libvirt-filesystem-boot', 'unsupported configuration: boot order is only supported for virtiofs');
  }
}

/**
 * RDP's replaceUser and multiUser: libvirt 12.9's parser fails on either
 * (whatever its value) without saying why — its message is the generic one.
 */
function checkGraphics(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'graphics')) {
    const g = l.obj;
    // a socket listen only on VNC and SPICE (virDomainGraphicsListenDefParseXML)
    const socket = 'listens' in g ? g.listens?.find((x) => x.type === 'socket') : undefined;
    if (socket && g.type !== 'vnc' && g.type !== 'spice') {
      r.at(l, 'libvirt-graphics-listen', `unsupported configuration: listen type 'socket' is not available for graphics type '${g.type}'`);
    }
    if (g.type !== 'rdp') continue;
    const attribute = g.replaceUser !== undefined ? 'replaceUser' : g.multiUser !== undefined ? 'multiUser' : undefined;
    if (attribute) r.at(l, 'libvirt-graphics-rdp', 'An error occurred, but the cause is unknown', { attribute });
  }
}

type IommuDriver = NonNullable<NonNullable<NonNullable<DeviceScope['devices']>['iommu']>['driver']>;
type IommuOption = Exclude<keyof IommuDriver, '$extra'>;

/** The `<driver>` options each IOMMU model takes (asked of libvirt 12.9, option by option). */
const IOMMU_OPTIONS: Record<string, ReadonlySet<IommuOption>> = {
  intel: new Set(['intremap', 'caching_mode', 'eim', 'iotlb', 'aw_bits', 'dma_translation']),
  smmuv3: new Set(['pciBus', 'accel', 'cmdqv', 'ats', 'ril', 'ssidsize', 'oas']),
  virtio: new Set(['aw_bits', 'passthrough', 'xtsup', 'granule']),
  amd: new Set(['intremap', 'iotlb', 'passthrough', 'xtsup']),
};
const ALL_IOMMU_OPTIONS: readonly IommuOption[] = [
  'intremap',
  'caching_mode',
  'eim',
  'iotlb',
  'aw_bits',
  'dma_translation',
  'passthrough',
  'xtsup',
  'pciBus',
  'accel',
  'cmdqv',
  'ats',
  'ril',
  'ssidsize',
  'oas',
  'granule',
];
/** SMMUv3 options that need accel='on'. */
const SMMU_ACCEL_OPTIONS: readonly IommuOption[] = ['ats', 'ril', 'ssidsize', 'oas', 'cmdqv'];

function checkIommu(def: DeviceScope, r: Reporter): void {
  const iommu = def.devices?.iommu;
  if (!iommu) return;
  const l: Located<typeof iommu> = { obj: iommu, path: `${DEVICES_PATH}/iommu` };
  const model = iommu.model;
  const allowed = IOMMU_OPTIONS[model];
  const d = iommu.driver;
  if (d && allowed) {
    // aw_bits='0' is libvirt's "not set"
    const set = ALL_IOMMU_OPTIONS.filter((k) => d[k] !== undefined && !(k === 'aw_bits' && d[k] === 0));
    const bad = set.find((k) => !allowed.has(k));
    const at = childOf(l, 'driver', d);
    if (bad !== undefined) {
      r.at(at, 'libvirt-iommu-option', `XML error: iommu model '${model}' doesn't support some additional attributes`, bad === 'granule' ? {} : { attribute: bad });
    } else if (model === 'smmuv3' && d.accel !== true) {
      const needs = SMMU_ACCEL_OPTIONS.find((k) => d[k] !== undefined);
      if (needs !== undefined) {
        r.at(at, 'libvirt-iommu-option', "XML error: accel must be enabled for iommu model 'smmuv3' when setting ats, ril, ssidsize, oas, or cmdqv", { attribute: needs });
      }
    }
  }
  if (iommu.address && (model === 'intel' || model === 'smmuv3')) {
    r.at(childOf(l, 'address', iommu.address), 'libvirt-iommu-address', `XML error: iommu model '${model}' can't have address`);
  }
}

const VIRTIO_INPUT_MODELS: ReadonlySet<string | undefined> = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);

function checkInputs(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'inputs')) {
    const i = l.obj;
    const code = 'libvirt-input-bus';
    if (i.type === 'evdev' && i.bus !== undefined) {
      r.at(l, code, "unsupported configuration: input evdev doesn't support bus element", { attribute: 'bus' });
      continue;
    }
    if (i.type === 'passthrough' && i.bus !== undefined && i.bus !== 'virtio') {
      r.at(l, code, "unsupported configuration: only bus 'virtio' is supported for 'passthrough' input devices", { attribute: 'bus' });
      continue;
    }
    // (virDomainInputDefParseXML) the xen bus is a paravirtualized guest's, not a full virtualized one's
    if (i.bus === 'xen' && def.os?.type?.value === 'hvm') {
      r.at(l, code, 'internal error: unsupported input bus xen', { attribute: 'bus' });
      continue;
    }
    if (i.type === 'tablet' && i.bus === 'ps2') {
      r.at(l, code, 'internal error: ps2 bus does not support tablet input device', { attribute: 'bus' });
      continue;
    }
    // a virtio model needs the virtio bus (an absent bus is virtio only for passthrough; evdev has none)
    const bus = i.bus ?? (i.type === 'passthrough' ? 'virtio' : undefined);
    if (VIRTIO_INPUT_MODELS.has(i.model) && bus !== 'virtio') {
      r.at(l, code, `unsupported configuration: only bus 'virtio' is supported for input model '${i.model}'`, { attribute: i.bus !== undefined ? 'bus' : 'model' });
    }
  }
}
