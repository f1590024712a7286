/**
 * What a domain snapshot and a domain checkpoint share (libvirt's
 * `virDomainMomentDef`, moment_conf.c): `<name>`, `<description>`,
 * `<parent><name>`, `<creationTime>`, the domain they were taken of, and the
 * `name` attribute of their `<disk>` entries (a disk's target, or the path of
 * its source).
 */
import { domain, type DomainDef } from '../domain/domain.js';
import { attr, element, value, type ElementDecl, type Infer } from '../xml/decl.js';
import { int, str } from '../xml/values.js';

/** `<name>`: the moment's name (absent on creation: libvirt names it after its creation time). */
export const momentName = value('name', str, { doc: 'Name (absent on creation: libvirt uses the creation time)' });
export const momentDescription = value('description', str, { doc: 'Free-form description' });

/** `<parent><name>` of a moment: the moment it follows (libvirt writes it when it has a name). */
export const momentParent = element('parent', { name: value('name', str) }, { doc: 'The moment this one follows' });

/** `<creationTime>`: seconds since the epoch (a `long long` to libvirt). */
export const creationTime = value('creationTime', int({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), {
  doc: 'Creation time, seconds since the epoch (libvirt sets it on creation)',
});

/** `name` of a moment's `<disk>`: the domain disk's target (`vda`) or its source path. */
export const momentDiskName = attr(str, { required: true, doc: "The domain disk: its target (vda) or its source's path" });

/**
 * The `<domain>` of a moment: the domain's own declaration, `type` and
 * `<name>` optional, because libvirt also reads (and writes, when it has no
 * definition but the domain's UUID) the old form `<domain><uuid>…</uuid></domain>`
 * (virDomainSnapshotDefParse: a `<domain>` without `type` is that form).
 */
const momentDomainFields = {
  ...domain.fields,
  type: attr(domain.fields.type.type, { doc: domain.fields.type.doc }),
  name: value('name', str, { doc: 'Domain name (absent in the old `<domain><uuid/></domain>` form)' }),
};
/** The declaration of a moment's `<domain>` (a named type, so that the snapshot's stays within what the compiler writes out). */
export interface MomentDomainDecl extends ElementDecl<typeof momentDomainFields> {}
export const momentDomain: MomentDomainDecl = element(
  'domain',
  momentDomainFields,
  { check: domain.check, beforeFormat: domain.beforeFormat, doc: 'The domain the moment was taken of (written inactive)' },
);
export type MomentDomain = Infer<typeof momentDomain>;

/** `<inactiveDomain>` of a snapshot of a running domain: its inactive definition at the time (libvirt 8.10+). */
/** The declaration of `<inactiveDomain>`: the domain's fields under another name. */
export interface InactiveDomainDecl extends ElementDecl<typeof domain.fields> {}
export const inactiveDomain: InactiveDomainDecl = element('inactiveDomain', domain.fields, {
  check: domain.check,
  beforeFormat: domain.beforeFormat,
  doc: "The running domain's inactive definition when the snapshot was taken",
});

/**
 * The domain definition a moment holds: its `<domain>` when that is a full
 * definition (libvirt leaves the old `<domain><uuid/></domain>` form without
 * one: undefined).
 */
export function momentDomainDef(d: MomentDomain | undefined): DomainDef | undefined {
  if (d === undefined || d.type === undefined || d.name === undefined) return undefined;
  const { type, name, ...rest } = d;
  return { ...rest, type, name };
}
