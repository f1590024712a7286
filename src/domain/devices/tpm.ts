/**
 * `<tpm>`: a TPM device. Its `<backend>` is a union on `type`: passthrough
 * (a host TPM), emulator (swtpm), external (a swtpm socket libvirt does not
 * manage).
 *
 * libvirt's order (`virDomainTPMDefFormat`): attribute model; children
 * backend, device info. `<backend>`: type, version, persistent_state (only
 * when yes), debug; children device (passthrough), source (external);
 * encryption, active_pcr_banks (banks in libvirt's order sha1, sha256,
 * sha384, sha512), source, profile (emulator, as libvirt 12.9 writes them).
 *
 * The emulator's `<source type='file|dir'>` (state storage) and `<profile>`
 * (swtpm profile) are libvirt 11.x and 12.x additions.
 */
import { attr, child, element, flag, tag, union, type Infer } from '../../xml/decl.js';
import { literal, oneOf, pattern, str, uint, uuid, yesNo } from '../../xml/values.js';
import { deviceInfoFields } from './info.js';

const version = attr(oneOf('1.2', '2.0'), { doc: 'TPM version' });

export const tpmActivePcrBanks = element('active_pcr_banks', {
  sha1: flag('sha1'),
  sha256: flag('sha256'),
  sha384: flag('sha384'),
  sha512: flag('sha512'),
});

export const tpmBackend = union(
  'backend',
  'type',
  {
    passthrough: element('backend', {
      type: tag(literal('passthrough')),
      version,
      device: child(element('device', { path: attr(str, { doc: 'host TPM device, e.g. /dev/tpm0' }) })),
    }),
    emulator: element('backend', {
      type: tag(literal('emulator')),
      version,
      persistent_state: attr(yesNo, { omit: (v: boolean) => !v, doc: 'keep the TPM state when the domain is undefined' }),
      debug: attr(uint({ max: 255 }), { omit: (v: number) => v === 0, doc: 'swtpm log level' }),
      encryption: child(element('encryption', { secret: attr(uuid, { required: true, missing: 'ignore-element', doc: 'UUID of the secret holding the state key' }) })),
      active_pcr_banks: child(tpmActivePcrBanks, { omitEmpty: true }),
      source: child(element('source', { type: attr(oneOf('file', 'dir'), { required: true }), path: attr(str, { required: true }) }), {
        doc: 'where swtpm keeps its state',
      }),
      profile: child(
        element('profile', {
          source: attr(pattern('profileName', /^[A-Za-z0-9.\-:]+$/), { doc: 'the swtpm profile to start from' }),
          removeDisabled: attr(oneOf('check', 'fips-host')),
          name: attr(str, { doc: 'the profile swtpm applied (written by libvirt)' }),
        }),
      ),
    }),
    external: element('backend', {
      type: tag(literal('external')),
      version,
      source: child(
        element('source', {
          type: attr(literal('unix'), { required: true }),
          mode: attr(literal('connect'), { required: true, default: 'connect' }),
          path: attr(str, { required: true }),
        }),
      ),
    }),
  },
  { unknownMessage: "Unknown TPM backend type '%s'" },
);
export type TpmBackend = Infer<typeof tpmBackend>;

export const tpm = element(
  'tpm',
  {
    model: attr(oneOf('tpm-tis', 'tpm-crb', 'tpm-spapr', 'spapr-tpm-proxy')),
    backend: child(tpmBackend, { required: true }),
    ...deviceInfoFields,
  },
  { doc: 'TPM device' },
);
export type TpmDef = Infer<typeof tpm>;
