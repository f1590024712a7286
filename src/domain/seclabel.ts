/**
 * Security labels: the domain's `<seclabel>` (a union on `type`, dynamic
 * when absent) and the per-device `<seclabel>` override that disks, chardev
 * sources, filesystems and others reuse (`deviceSeclabel`), as
 * `virSecurityLabelDefFormat` and `virSecurityDeviceLabelDefFormat` write
 * them.
 */
import { attr, element, tag, union, value, type Infer } from '../xml/decl.js';
import { literal, str, yesNo } from '../xml/values.js';

const model = attr(str, { doc: 'Security driver: selinux, apparmor, dac, none' });
const label = value('label', str);
const imagelabel = value('imagelabel', str);

export const seclabel = union(
  'seclabel',
  'type',
  {
    dynamic: element('seclabel', {
      type: tag(literal('dynamic'), { default: 'dynamic' }),
      model,
      relabel: attr(yesNo, { default: true, doc: 'Must be yes with a dynamic label' }),
      label,
      imagelabel,
      baselabel: value('baselabel', str),
    }),
    static: element('seclabel', {
      type: tag(literal('static')),
      model,
      relabel: attr(yesNo, { default: false }),
      label: value('label', str, { required: true }),
      imagelabel,
    }),
    none: element('seclabel', {
      type: tag(literal('none')),
      model,
      // libvirt writes nothing but type and model for an unconfined domain
      relabel: attr(yesNo, { omit: () => true }),
    }),
  },
  { defaultCase: 'dynamic', unknownMessage: "invalid security type '%s'", doc: 'Security label of the domain' },
);
export type Seclabel = Infer<typeof seclabel>;

/** A device's own `<seclabel>` (devSeclabel): do not relabel, or use this label. */
export const deviceSeclabel = element(
  'seclabel',
  {
    model,
    labelskip: attr(yesNo, { doc: 'Label left alone at start (status XML)' }),
    relabel: attr(yesNo),
    label,
  },
  { doc: 'Security label override for one device' },
);
export type DeviceSeclabel = Infer<typeof deviceSeclabel>;
