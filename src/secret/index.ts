/**
 * libvirt `<secret>` XML (`virsh secret-dumpxml`): parse and format.
 */
import { formatContext, formatElement, parseDocument } from '../xml/codec.js';
import type { ReadOptions } from '../xml/reader.js';
import { secretDef, type SecretDef } from './secret.js';

export * from './secret.js';

/** Reads a `<secret>` document. Throws a VirtXmlError with line, column and path. */
export function parseSecretXml(xml: string, options: ReadOptions & { keepOrigins?: boolean; strict?: boolean } = {}): SecretDef {
  return parseDocument<SecretDef>(secretDef, xml, options);
}

/** Writes a secret in libvirt's canonical form, ending with a newline. */
export function formatSecretXml(def: SecretDef): string {
  return formatElement(secretDef, def, formatContext(), 0) + '\n';
}

/**
 * A secret as libvirt defines it from this XML (`virsh secret-define`, then
 * `secret-dumpxml`): `ephemeral` and `private` written, `no` by default.
 * (libvirt also generates a missing uuid; that one cannot be foretold.)
 */
export function secretAsDefined(def: SecretDef): SecretDef {
  return { ...def, ephemeral: def.ephemeral ?? false, private: def.private ?? false };
}
