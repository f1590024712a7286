/**
 * `<secret>` (secret.rng): a libvirt secret's properties, as `virsh
 * secret-dumpxml` prints it (`virSecretDefFormat`): `ephemeral` and
 * `private`, uuid, description, and what the secret is for (`<usage>`).
 */
import { attr, child, element, tag, union, value, type Infer, type InferFields } from '../xml/decl.js';
import { literal, str, uuid, yesNo } from '../xml/values.js';

const usageName = (doc: string) => value('name', str, { required: true, doc });
/** `<usage type>`: the object a secret is for, one child per usage type (`virSecretDefFormatUsage`). */
export const secretUsage = union(
  'usage',
  'type',
  {
    volume: element('usage', { type: tag(literal('volume')), volume: value('volume', str, { required: true, doc: 'Path of the encrypted volume' }) }),
    ceph: element('usage', { type: tag(literal('ceph')), name: usageName('Name of the Ceph usage') }),
    iscsi: element('usage', { type: tag(literal('iscsi')), target: value('target', str, { required: true, doc: 'Name of the iSCSI target' }) }),
    tls: element('usage', { type: tag(literal('tls')), name: usageName('Name of the TLS usage') }),
    vtpm: element('usage', { type: tag(literal('vtpm')), name: usageName('Name of the vTPM usage') }),
  },
  { unknownMessage: "unknown secret usage type %s" },
);
export type SecretUsage = Infer<typeof secretUsage>;

const secretFields = {
  ephemeral: attr(yesNo, { doc: 'Kept only in memory' }),
  private: attr(yesNo, { doc: 'Its value is never revealed' }),
  uuid: value('uuid', uuid),
  description: value('description', str),
  usage: child(secretUsage),
} as const;
export type SecretDef = InferFields<typeof secretFields>;

export const secretDef = element('secret', secretFields, { doc: 'libvirt secret (virsh secret-dumpxml)' });
