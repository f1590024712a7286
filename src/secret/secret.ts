/**
 * `<secret>` (secret.rng): a libvirt secret's properties, as `virsh
 * secret-dumpxml` prints it (`virSecretDefFormat`): `ephemeral` and
 * `private`, uuid, description, and what the secret is for (`<usage>`).
 */
import { attr, child, element, value, type Infer, type InferFields } from '../xml/decl.js';
import { oneOf, str, uuid, yesNo } from '../xml/values.js';

/** `<usage type>`: the object a secret is for, one child per usage type. */
export const secretUsage = element('usage', {
  type: attr(oneOf('volume', 'ceph', 'iscsi', 'tls', 'vtpm'), { required: true }),
  volume: value('volume', str, { doc: 'volume: path of the encrypted volume' }),
  name: value('name', str, { doc: 'ceph, tls, vtpm: the usage name' }),
  target: value('target', str, { doc: 'iscsi: the target name' }),
});
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
