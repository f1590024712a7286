/**
 * `<rng>`: a virtio random number generator. Its `<backend>` is a union on
 * `model`: random (a host file), egd (a chardev speaking the EGD protocol),
 * builtin (QEMU's own).
 *
 * libvirt's order (`virDomainRNGDefFormat`): attribute model; children
 * rate, backend, driver, device info. The egd backend is a chardev:
 * attributes model, type; children source, protocol, log.
 */
import { attr, child, element, tag, text, union, type Infer } from '../../xml/decl.js';
import { literal, oneOf, str, uint } from '../../xml/values.js';
import { chardevAnyFields, checkChardev } from './chardev.js';
import { deviceInfoFields } from './info.js';
import { virtioDriverField } from './virtio.js';

/** `<rate bytes period>`: at most `bytes` per `period` milliseconds. */
export const rngRate = element('rate', {
  bytes: attr(uint(), { required: true, missing: 'ignore-element' }),
  period: attr(uint(), { doc: 'milliseconds' }),
});

export const rngBackend = union(
  'backend',
  'model',
  {
    random: element('backend', {
      model: tag(literal('random')),
      path: text(str, { doc: 'host source of entropy, e.g. /dev/urandom' }),
    }),
    egd: element('backend', { model: tag(literal('egd')), ...chardevAnyFields }, { check: checkChardev, selfClose: false }),
    builtin: element('backend', { model: tag(literal('builtin')) }),
  },
  { unknownMessage: "unknown backend model '%s'" },
);
export type RngBackend = Infer<typeof rngBackend>;

export const rng = element(
  'rng',
  {
    model: attr(oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional'), { required: true }),
    rate: child(rngRate),
    backend: child(rngBackend, { required: true }),
    ...virtioDriverField,
    ...deviceInfoFields,
  },
  { doc: 'Random number generator' },
);
export type RngDef = Infer<typeof rng>;
