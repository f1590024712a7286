/**
 * `<smartcard>`: a CCID smartcard reader, a union on `mode` (host,
 * host-certificates, passthrough through a chardev).
 *
 * libvirt's order (`virDomainSmartcardDefFormat`): attributes mode, type
 * (passthrough); children certificate×3 and database (host-certificates),
 * the chardev's source/protocol/log (passthrough), device info.
 */
import { attr, child, element, list, tag, text, union, value, type Infer } from '../../xml/decl.js';
import { literal, str } from '../../xml/values.js';
import { anyChardevTarget, chardevAnyFields, checkChardev } from './chardev.js';
import { deviceInfoFields } from './info.js';

/** `<certificate>`: an NSS certificate name of the host database. */
export const smartcardCertificate = element(
  'certificate',
  { name: text(str, { required: true }) },
  // libvirt 12.9 keeps an empty certificate name (and writes it back as an open/close pair)
  { emptyText: 'kept' },
);

/** libvirt: "host-certificates mode needs exactly three certificates". */
function checkCertificates(v: { certificates?: unknown[] }) {
  if ((v.certificates?.length ?? 0) !== 3) {
    return { code: 'missing-element' as const, message: 'host-certificates mode needs exactly three certificates' };
  }
  return undefined;
}

export const smartcard = union(
  'smartcard',
  'mode',
  {
    host: element('smartcard', { mode: tag(literal('host')), ...deviceInfoFields }),
    'host-certificates': element(
      'smartcard',
      {
        mode: tag(literal('host-certificates')),
        certificates: list(smartcardCertificate),
        database: value('database', str, { doc: 'NSS database directory (default /etc/pki/nssdb)' }),
        ...deviceInfoFields,
      },
      { check: checkCertificates },
    ),
    passthrough: element(
      'smartcard',
      { mode: tag(literal('passthrough')), ...chardevAnyFields, target: child(anyChardevTarget), ...deviceInfoFields },
      { check: checkChardev },
    ),
  },
  { doc: 'Smartcard reader', unknownMessage: "unknown smartcard mode '%s'" },
);
export type SmartcardDef = Infer<typeof smartcard>;
