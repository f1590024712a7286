/**
 * `<launchSecurity>`: confidential guests (AMD SEV, SEV-SNP, s390
 * protected virtualization, Intel TDX), a union on `type`, as `virDomainSecDefFormat`
 * writes it. The SEV policy is read as hex (`0x0001` and `1` alike) and
 * written `0x%04x` (SEV) or `0x%08x` (SEV-SNP).
 */
import { attr, child, element, tag, union, value, type Infer } from '../xml/decl.js';
import { INVALID, literal, str, uint, yesNo, type ValueType } from '../xml/values.js';

/** A hexadecimal number read like `strtoul(…, 16)` (optional `0x`) and written `0x` + `width` digits. */
export function hexNumber(width: number, max = Number.MAX_SAFE_INTEGER): ValueType<number> {
  return {
    name: 'hexuint',
    expected: 'Expected a hexadecimal number',
    parse(t) {
      const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)$/.exec(t);
      if (!m) return INVALID;
      const n = parseInt(m[1]!, 16);
      return Number.isSafeInteger(n) && n <= max ? n : INVALID;
    },
    format: (v) => '0x' + v.toString(16).padStart(width, '0'),
    is: (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max,
    schema: { type: 'integer', minimum: 0, maximum: max },
  };
}

const sevCommon = {
  cbitpos: value('cbitpos', uint()),
  reducedPhysBits: value('reducedPhysBits', uint()),
} as const;

export const launchSecurity = union(
  'launchSecurity',
  'type',
  {
    sev: element('launchSecurity', {
      type: tag(literal('sev')),
      kernelHashes: attr(yesNo),
      ...sevCommon,
      policy: value('policy', hexNumber(4, 0xffffffff), { required: true }),
      handle: value('handle', uint()),
      dhCert: value('dhCert', str),
      session: value('session', str),
    }),
    'sev-snp': element('launchSecurity', {
      type: tag(literal('sev-snp')),
      // order of kernelHashes against authorKey/vcek not shown by libvirt's tests: schema order
      kernelHashes: attr(yesNo),
      authorKey: attr(yesNo),
      vcek: attr(yesNo),
      ...sevCommon,
      policy: value('policy', hexNumber(8), { required: true }),
      guestVisibleWorkarounds: value('guestVisibleWorkarounds', str),
      idBlock: value('idBlock', str),
      idAuth: value('idAuth', str),
      hostData: value('hostData', str),
    }),
    's390-pv': element('launchSecurity', { type: tag(literal('s390-pv')) }),
    tdx: element('launchSecurity', {
      type: tag(literal('tdx')),
      policy: value('policy', hexNumber(0)),
      mrConfigId: value('mrConfigId', str, { doc: 'base64 of 48 bytes' }),
      mrOwner: value('mrOwner', str, { doc: 'base64 of 48 bytes' }),
      mrOwnerConfig: value('mrOwnerConfig', str, { doc: 'base64 of 48 bytes' }),
      quoteGenerationService: child(element('quoteGenerationService', { path: attr(str) }), { doc: 'The Quote Generation Service socket for attestation' }),
    }),
  },
  { unknownMessage: "unknown launch security type '%s'", doc: 'Confidential guest technology' },
);
export type LaunchSecurity = Infer<typeof launchSecurity>;
