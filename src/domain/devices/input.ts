/**
 * `<input>`: an input device, a union on `type` (tablet, mouse, keyboard;
 * passthrough and evdev, which take a host `<source>`).
 *
 * libvirt's order (`virDomainInputDefFormat`): attributes type, bus, model;
 * children driver, source, device info.
 */
import { attr, child, element, tag, union, type Infer } from '../../xml/decl.js';
import { literal, oneOf, onOff, str } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';
import { virtioDriverField } from './virtio.js';

export const inputBus = oneOf('ps2', 'usb', 'xen', 'parallels', 'virtio', 'none');
const inputModel = attr(oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional'));

/** type='passthrough': the host event device, passed through with virtio-input-host. */
export const passthroughInputSource = element('source', { evdev: attr(str, { required: true }) });

/** type='evdev': a host event device QEMU reads, with its grab settings. */
export const evdevInputSource = element('source', {
  dev: attr(str, { required: true }),
  grab: attr(oneOf('all')),
  grabToggle: attr(oneOf('ctrl-ctrl', 'alt-alt', 'shift-shift', 'meta-meta', 'scrolllock', 'ctrl-scrolllock')),
  repeat: attr(onOff),
});

const emulated = <const T extends 'tablet' | 'mouse' | 'keyboard'>(type: T) =>
  element('input', { type: tag(literal(type)), bus: attr(inputBus), model: inputModel, ...virtioDriverField, ...deviceInfoFields });

export const input = union(
  'input',
  'type',
  {
    tablet: emulated('tablet'),
    mouse: emulated('mouse'),
    keyboard: emulated('keyboard'),
    passthrough: element('input', {
      type: tag(literal('passthrough')),
      bus: attr(inputBus),
      model: inputModel,
      ...virtioDriverField,
      // libvirt 12.9 accepts a passthrough input without <source> (asked: the differential test)
      source: child(passthroughInputSource),
      ...deviceInfoFields,
    }),
    evdev: element('input', {
      type: tag(literal('evdev')),
      bus: attr(inputBus),
      model: inputModel,
      ...virtioDriverField,
      // libvirt 12.9 accepts an evdev input without <source> (asked: the differential test)
      source: child(evdevInputSource),
      ...deviceInfoFields,
    }),
  },
  { doc: 'Input device', unknownMessage: "unknown input device type '%s'" },
);
export type InputDef = Infer<typeof input>;
