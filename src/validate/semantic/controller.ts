/**
 * `<controller>` rules (`virDomainDefRejectDuplicateControllers`,
 * `virDomainControllerDefValidate`, qemu's PCI controller validation) and
 * what a disabled USB bus (`<controller type='usb' model='none'/>`) refuses
 * (`virDomainDefValidateUSB…`, the messages libvirt's test driver gives).
 */
import type { ControllerDef } from '../../domain/devices/controller.js';
import { childOf, QEMU_TYPES, type Located, type Reporter } from './context.js';
import { familyOf, type DeviceOf, type ListFamily, type DeviceScope } from './devices.js';

type Controller = ControllerDef;

const ROOTS = new Set(['pci-root', 'pcie-root']);
/** ich9 UHCI companions of an EHCI master (libvirt gives them a `<master>` when absent). */
const COMPANION_MODELS = new Set(['ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3']);
const isCompanion = (c: Controller) => c.master !== undefined || ('model' in c && c.model !== undefined && COMPANION_MODELS.has(c.model));

export function checkControllers(def: DeviceScope, r: Reporter): void {
  const ctrls = familyOf(def, 'controllers');
  const seen = new Map<string, Located<Controller>>();
  for (const l of ctrls) {
    const c = l.obj;
    const index = c.index ?? 0;
    // an absent index is assigned by libvirt (the next free one), so it cannot clash
    const key = `${c.type}:${index}`;
    const first = c.index !== undefined ? seen.get(key) : undefined;
    // USB companion controllers share their master's index
    const companion = c.type === 'usb' && (isCompanion(c) || (first !== undefined && isCompanion(first.obj)));
    if (first && !companion) {
      r.at(l, 'libvirt-duplicate-controller', `XML error: Multiple '${c.type}' controllers with index '${index}'`, { attribute: 'index' });
    } else if (!first && c.index !== undefined) seen.set(key, l);

    if (c.type === 'usb' && c.master !== undefined) {
      const hasMaster = ctrls.some((o) => o.obj.type === 'usb' && (o.obj.index ?? 0) === index && o.obj.master === undefined);
      if (!hasMaster) r.at(childOf(l, 'master', c.master), 'libvirt-usb-master', 'No master USB controller specified');
    }

    if (c.type !== 'pci' || c.index === undefined) continue;
    // virDomainControllerDefValidate: a PCI index is a bus number
    if (c.index > 255) {
      r.at(l, 'libvirt-pci-index', `unsupported configuration: PCI controller index ${c.index} too high, maximum is 255`, { attribute: 'index' });
    }
    const model = c.model;
    if (model !== undefined && ROOTS.has(model) && c.address !== undefined) {
      r.at(childOf(l, 'address', c.address), 'libvirt-pci-root-address', 'unsupported configuration: pci-root and pcie-root controllers should not have an address');
    }
    if (model === 'pci-root' && c.target?.index !== undefined && (index === 0) !== (c.target.index === 0)) {
      r.at(
        childOf(l, 'target', c.target),
        'libvirt-pci-target-index',
        'unsupported configuration: Only the PCI controller with index 0 can have target index 0, and vice versa',
        { attribute: 'index' },
      );
    }
    if (index === 0 && c.target?.node !== undefined) {
      r.at(
        childOf(l, 'target', c.target),
        'libvirt-pci-root-numa',
        "unsupported configuration: The PCI controller with index=0 can't be associated with a NUMA node",
      );
    }
    if (index === 0 && model !== undefined && !ROOTS.has(model) && QEMU_TYPES.has(def.type)) {
      r.at(
        l,
        'libvirt-pci-index0',
        `unsupported configuration: The PCI controller with index='0' must be model='pci-root' for this machine type, but model='${model}' was found instead`,
        { attribute: 'model' },
      );
    }
  }
  checkUsbNone(def, ctrls, r);
}

/** With `<controller type='usb' model='none'/>` the domain has no USB bus. */
function checkUsbNone(def: DeviceScope, ctrls: Array<Located<Controller>>, r: Reporter): void {
  const none = ctrls.find((l) => l.obj.type === 'usb' && l.obj.model === 'none');
  if (!none) return;
  for (const l of ctrls) {
    if (l !== none && l.obj.type === 'usb') {
      r.at(l, 'libvirt-usb-disabled', "Can't add another USB controller: USB is disabled for this domain");
    }
  }
  const usbBus = <K extends ListFamily>(kind: K, code: string, message: string, pred: (o: DeviceOf[K]) => boolean) => {
    for (const l of familyOf(def, kind)) if (pred(l.obj)) r.at(l, code, message);
  };
  usbBus('inputs', 'libvirt-usb-disabled', "unsupported configuration: Can't add USB input device. USB bus is disabled", (o) => o.bus === 'usb');
  usbBus('hubs', 'libvirt-usb-disabled', "unsupported configuration: Can't add USB hub: USB is disabled for this domain", (o) => o.type === 'usb');
  usbBus('redirdevs', 'libvirt-usb-disabled', 'unsupported configuration: cannot add redirected USB device: USB is disabled for this domain', (o) => (o.bus ?? 'usb') === 'usb');
  usbBus('hostdevs', 'libvirt-usb-disabled', "unsupported configuration: Can't add host USB device: USB is disabled in this host", (o) => o.type === 'usb');
}
