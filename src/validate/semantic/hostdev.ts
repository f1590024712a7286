/**
 * `<hostdev>` and `<interface type='hostdev'>` rules beyond the parser
 * (libvirt-semantics.md §5; `virDomainHostdevDefValidate`,
 * `virDomainDeviceInfoValidate`, qemu's hostdev validation) and virtxml's
 * `group='auto'` extension (typed `groupMgmt`):
 *   - profile `libvirt`: the attribute does not exist upstream, an error;
 *   - profile `virtxml`: it wants the VFIO backend (`name='vfio'`, or no name
 *     where vfio is the default) and `managed='yes'`.
 * Duplicate host devices are `checkDuplicateHostdevs` of src/domain/hostdevs.ts
 * (the parser runs it too; here it covers defs built in code).
 */
import type { HostdevDriver } from '../../common/basictypes.js';
import { checkDuplicateHostdevs, hostdevKey } from '../../domain/hostdevs.js';
import type { HostdevDef } from '../../domain/devices/hostdev.js';
import type { InterfaceDef } from '../../domain/devices/interface.js';
import { childOf, extraAttribute, QEMU_TYPES, type Located, type Reporter } from './context.js';
import { DEVICES_PATH, devicesOf, familyOf, type DeviceOf, type DeviceScope } from './devices.js';

/** Hypervisors whose hostdev backend defaults to VFIO (qemu resolves an absent name to vfio, §3.2). */
const VFIO_DEFAULT = QEMU_TYPES;
/** A device snippet has no domain type: it is taken as going to a qemu guest. */
const vfioIsDefaultFor = (def: DeviceScope) => def.type === undefined || VFIO_DEFAULT.has(def.type);

/**
 * The `group='auto'` rules on one `<driver>`: `managed` is the hostdev's (or
 * the interface's / actual's), `what` names the device in messages.
 */
export function checkGroupMgmt(
  r: Reporter,
  driverAt: Located<HostdevDriver>,
  managed: boolean,
  managedAt: Located<object>,
  vfioIsDefault: boolean,
): void {
  const d = driverAt.obj;
  if (d.groupMgmt !== 'auto') return; // absent, or 'default' in a def built from JSON
  if (r.profile === 'libvirt') {
    r.at(
      driverAt,
      'virtxml-extension',
      "libvirt has no attribute 'group' on <driver>: group='auto' is virtxml's extension (use the virtxml profile, or stripExtensions for an upstream libvirt)",
      { attribute: 'group', source: 'virtxml' },
    );
    return;
  }
  const name = d.name;
  if (name !== undefined ? name !== 'vfio' : !vfioIsDefault) {
    r.at(
      driverAt,
      'virtxml-group-needs-vfio',
      name !== undefined
        ? `group='auto' needs the VFIO backend, but <driver name='${name}'> was given`
        : "group='auto' needs the VFIO backend: set <driver name='vfio'> (vfio is not this hypervisor's default)",
      { attribute: name !== undefined ? 'name' : 'group', source: 'virtxml' },
    );
  }
  if (!managed) {
    r.at(
      managedAt,
      'virtxml-group-needs-managed',
      "group='auto' needs managed='yes': virtxml detaches and re-attaches the IOMMU group only for managed devices",
      { attribute: 'managed', source: 'virtxml' },
    );
  }
}

type Hostdev = DeviceOf['hostdevs'];

const MDEV_ADDRESS: Record<string, readonly string[]> = {
  'vfio-pci': ['pci'],
  'vfio-ccw': ['ccw'],
  'vfio-ap': [],
};

export function checkHostdevs(def: DeviceScope, r: Reporter): void {
  const vfioDefault = vfioIsDefaultFor(def);
  const hostdevs = familyOf(def, 'hostdevs');
  let ramfb: Located<Hostdev> | undefined;
  for (const l of hostdevs) {
    const h = l.obj;
    if (h.type !== 'mdev' && h.type !== 'scsi_host' && extraAttribute(h, 'model') !== undefined) {
      r.at(l, 'libvirt-hostdev-model', `XML error: 'model' attribute in <hostdev> is only supported when type='${h.type}'`, { attribute: 'model' });
    }
    const src = h.source;
    if (h.type !== 'usb' && src && (('startupPolicy' in src && src.startupPolicy !== undefined) || extraAttribute(src, 'startupPolicy') !== undefined)) {
      r.at(childOf(l, 'source', src), 'libvirt-hostdev-startup-policy', 'unsupported configuration: Setting startupPolicy is only allowed for USB devices', {
        attribute: 'startupPolicy',
      });
    }
    if (h.type !== 'scsi') {
      for (const a of ['sgio', 'rawio']) {
        if (extraAttribute(h, a) !== undefined) {
          r.at(l, 'libvirt-hostdev-scsi-only', `XML error: ${a} is only supported for scsi host device`, { attribute: a });
        }
      }
    }
    checkHostdevSource(l, r);
    const addr = h.address;
    // virDomainHostdevDefValidate: a vhost SCSI host is a PCI or CCW device
    if (h.type === 'scsi_host' && addr && addr.type !== 'pci' && addr.type !== 'ccw') {
      r.at(childOf(l, 'address', addr), 'libvirt-hostdev-address', "unsupported configuration: SCSI_host host device must use 'pci' or 'ccw' address type", { attribute: 'type' });
    }
    if (h.type === 'pci') {
      if (addr && addr.type !== 'pci' && addr.type !== 'unassigned') {
        r.at(childOf(l, 'address', addr), 'libvirt-hostdev-address-type', "internal error: PCI host devices must use 'pci' or 'unassigned' address type", {
          attribute: 'type',
        });
      }
      if (h.driver) {
        checkBackend(def, childOf(l, 'driver', h.driver), r);
        checkGroupMgmt(r, childOf(l, 'driver', h.driver), h.managed === true, l, vfioDefault);
      }
    }
    if (h.type === 'mdev') {
      const allowed = MDEV_ADDRESS[h.model] ?? [];
      if (addr && addr.type !== 'unassigned' && !allowed.includes(addr.type)) {
        r.at(
          childOf(l, 'address', addr),
          'libvirt-hostdev-mdev-address',
          `XML error: Unsupported address type '${addr.type}' with mediated device model '${h.model}'`,
          { attribute: 'type' },
        );
      }
      if (h.ramfb === true) {
        if (ramfb) r.at(l, 'libvirt-hostdev-ramfb', "unsupported configuration: Only one vgpu device can have 'ramfb' enabled", { attribute: 'ramfb' });
        ramfb ??= l;
      }
    }
  }

  for (const dev of devicesOf(def)) {
    const rom = dev.info.rom;
    if (rom && rom.enabled === false && (rom.bar !== undefined || rom.file !== undefined)) {
      r.at(childOf(dev, 'rom', rom), 'libvirt-rom-disabled', 'unsupported configuration: ROM tuning is not supported when ROM is disabled', {
        attribute: rom.bar !== undefined ? 'bar' : 'file',
      });
    }
  }

  // libvirt's parse-time duplicate check, for defs built in code (a parsed def has passed it)
  const devices = def.devices;
  // (a def built in code without a hostdev <source> has no identity to compare: the JSON Schema layer reports it)
  const sourced = (x: { source?: unknown } | undefined) => x?.source !== undefined;
  if (devices && (devices.hostdevs ?? []).every(sourced) && (devices.interfaces ?? []).every((i) => i?.type !== 'hostdev' || sourced(i))) {
    const dup = checkDuplicateHostdevs(devices) ?? zeroAddressDuplicate(devices.hostdevs ?? []);
    if (dup) {
      // dup.at is one of the <hostdev> or <interface> objects
      const at = dup.at;
      const found = devicesOf(def).find((d) => d.obj === at);
      r.report(at, found?.path ?? DEVICES_PATH, 'libvirt-duplicate-hostdev', dup.message);
    }
  }
}

/**
 * What a USB or SCSI hostdev `<source>` must hold
 * (`virDomainHostdevSubsysUSBDefParseXML`, `…SCSIHostDefParseXML`,
 * `…SCSIiSCSIDefParseXML`); libvirt's parser refuses these, virtxml's keeps them.
 */
function checkHostdevSource(l: Located<Hostdev>, r: Reporter): void {
  const h = l.obj;
  if (h.type === 'usb' && h.source) {
    const s = h.source;
    const at = childOf(l, 'source', s);
    if (s.vendor && !s.product) r.at(childOf(at, 'vendor', s.vendor), 'libvirt-hostdev-source', 'internal error: missing product');
    if (s.product && !s.vendor) r.at(childOf(at, 'product', s.product), 'libvirt-hostdev-source', 'internal error: missing vendor');
  }
  if (h.type === 'scsi' && h.source) {
    const s = h.source;
    const at = childOf(l, 'source', s);
    if (s.protocol === 'iscsi') {
      if (s.name === undefined) r.at(at, 'libvirt-hostdev-source', 'XML error: missing iSCSI hostdev source path name');
      if (!s.hosts?.length) r.at(at, 'libvirt-hostdev-source', 'XML error: missing the host address for the iSCSI hostdev');
      // virDomainHostdevSubsysSCSIiSCSIDefParseXML: an iSCSI secret
      const secret = s.auth?.secret;
      if (secret && secret.type !== 'iscsi') {
        r.at(childOf(childOf(at, 'auth', s.auth), 'secret', secret), 'libvirt-hostdev-secret-type', `internal error: hostdev invalid secret type '${secret.type}'`, { attribute: 'type' });
      }
    } else {
      if (s.adapter?.name === undefined) {
        r.at(s.adapter ? childOf(at, 'adapter', s.adapter) : at, 'libvirt-hostdev-source', "XML error: 'adapter' name must be specified for scsi hostdev source");
      }
      if (s.address === undefined) r.at(at, 'libvirt-hostdev-source', "XML error: 'address' must be specified for scsi hostdev source");
    }
  }
}

/**
 * The backend a hypervisor can use (§3.2): qemu assigns with VFIO only
 * (legacy KVM assignment is disabled since libvirt 5.7; 'xen' is libxl's),
 * libxl with xen only. libvirt accepts the definition and refuses it when
 * the domain starts, so these are warnings.
 */
function checkBackend(def: DeviceScope, driver: Located<HostdevDriver>, r: Reporter): void {
  const name = driver.obj.name;
  if (name === undefined || def.type === undefined) return;
  let message: string | undefined;
  if (VFIO_DEFAULT.has(def.type)) {
    if (name === 'kvm') message = "host doesn't support legacy PCI passthrough (legacy KVM device assignment is disabled since libvirt 5.7)";
    if (name === 'xen') message = "QEMU does not support device assignment mode 'xen'";
  } else if (def.type === 'xen' && name !== 'xen') {
    message = `the libxl driver assigns PCI devices with the 'xen' backend only, not '${name}'`;
  }
  if (message) r.at(driver, 'libvirt-hostdev-backend', `${message} (refused when the domain starts)`, { attribute: 'name', severity: 'warning' });
}

/**
 * checkDuplicateHostdevs (src/domain/hostdevs.ts) skips host address
 * 0000:00:00.0 as "not specified", but libvirt compares host source
 * addresses as they are: two PCI hostdevs on 0000:00:00.0 are a duplicate
 * (libvirt 11.3 refuses them; the parser lets them through, so it is
 * reported here).
 */
function zeroAddressDuplicate(hostdevs: HostdevDef[]): { message: string; at: object } | undefined {
  const zero = hostdevs.filter((h) => h.type === 'pci' && h.source && hostdevKey(h) === 'pci:0000:00:00.0');
  return zero.length > 1 ? { message: 'XML error: Hostdev already exists in the domain configuration', at: zero[1]! } : undefined;
}

/** `<interface type='hostdev'>` and hostdev `<actual>` (status XML). */
export function checkHostdevInterface(def: DeviceScope, l: Located<InterfaceDef>, r: Reporter): void {
  const vfioDefault = vfioIsDefaultFor(def);
  const iface = l.obj;
  if (iface.type === 'hostdev') {
    const mac = iface.mac?.address;
    const who = mac !== undefined ? `interface ${mac}` : 'interface';
    if (iface.backend?.tap !== undefined) {
      r.at(
        childOf(l, 'backend', iface.backend),
        'libvirt-hostdev-interface-tap',
        `unsupported configuration: ${who} - custom tap device path is not supported for network interfaces of type hostdev`,
        { attribute: 'tap' },
      );
    }
    const vp = iface.virtualport;
    if (vp?.type !== undefined && vp.type !== '802.1Qbh') {
      r.at(
        childOf(l, 'virtualport', vp),
        'libvirt-hostdev-interface-virtualport',
        `virtualport type ${vp.type} is currently not supported on interfaces of type hostdev (refused when the domain starts)`,
        { attribute: 'type', severity: 'warning' },
      );
    } else if (vp?.type !== undefined && (iface.vlan?.tags?.length ?? 0) > 0) {
      r.at(
        childOf(l, 'vlan', iface.vlan),
        'libvirt-hostdev-interface-vlan',
        `direct setting of the vlan tag is not allowed for hostdev devices using ${vp.type} mode (refused when the domain starts)`,
        { severity: 'warning' },
      );
    }
    if (iface.driver) checkGroupMgmt(r, childOf(l, 'driver', iface.driver), iface.managed === true, l, vfioDefault);
  }
  if (iface.type === 'network' && iface.actual?.type === 'hostdev') {
    const actual = childOf(l, 'actual', iface.actual);
    const a = iface.actual;
    if (a.driver) checkGroupMgmt(r, childOf(actual, 'driver', a.driver), a.managed === true, actual, vfioDefault);
  }
}
