/**
 * `<privateData>` of disks and of their storage sources: what the QEMU driver
 * keeps about a running disk in status XML (qemuDomainDiskPrivateFormat,
 * qemuStorageSourcePrivateDataFormat). privatedata.rng leaves the content to
 * the driver; the parts below are the QEMU driver's, in its order, and
 * anything else is kept as read. Written only in status XML.
 */
import { attr, child, element, list, value, type FormatContext, type Infer } from '../../xml/decl.js';
import { str, uint, yesNo } from '../../xml/values.js';

const onlyInStatus = { when: (ctx: FormatContext) => ctx.status, doc: 'status XML only' };

const nodename = element('nodename', {
  type: attr(str, { required: true, doc: 'storage, format, slice-storage (sources) or copyOnRead (disks)' }),
  name: attr(str, { required: true }),
});

/** `<nodenames>`: the QEMU block-layer node names. */
const nodenames = element('nodenames', { nodenames: list(nodename) });

const secinfo = element('secret', {
  type: attr(str, { required: true, doc: 'auth, encryption or httpcookie' }),
  alias: attr(str, { required: true }),
});

/** `<objects>`: QEMU secret objects made for the source. */
const objects = element('objects', {
  secrets: list(secinfo),
  TLSx509: child(element('TLSx509', { alias: attr(str, { required: true }) })),
});

const fdset = element('fdset', {
  type: attr(str),
  id: attr(uint(), { required: true }),
});

/** Private data of a storage source (`<source><privateData>`). */
export const sourcePrivateData = element('privateData', {
  nodenames: child(nodenames, { omitEmpty: true }),
  reservations: child(element('reservations', { mgralias: attr(str, { required: true }) })),
  relPath: value('relPath', str),
  objects: child(objects, { omitEmpty: true }),
  fdsets: child(element('fdsets', { fdsets: list(fdset) }), { omitEmpty: true }),
  TLS: child(element('TLS', { alias: attr(str, { required: true }) })),
  thresholdEvent: child(element('thresholdEvent', { indexUsed: attr(yesNo) })),
});
export type SourcePrivateData = Infer<typeof sourcePrivateData>;

/** Private data of a disk (`<disk><privateData>`): its QOM path and copy-on-read node. */
export const diskPrivateData = element('privateData', {
  qom: child(element('qom', { name: attr(str, { required: true }) })),
  nodenames: child(nodenames, { omitEmpty: true }),
});
export type DiskPrivateData = Infer<typeof diskPrivateData>;

/** The status-only `privateData` fields to spread into a declaration. */
export const sourcePrivateDataField = { privateData: child(sourcePrivateData, { ...onlyInStatus, omitEmpty: true }) } as const;
export const diskPrivateDataField = { privateData: child(diskPrivateData, { ...onlyInStatus, omitEmpty: true }) } as const;
