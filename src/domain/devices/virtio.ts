/**
 * `<driver>` of devices whose driver element holds only the virtio options
 * (input, sound, memballoon, rng, vsock, crypto): libvirt's
 * `virDomainVirtioOptionsFormat` inside `virXMLFormatElement`, so an empty
 * `<driver/>` is not written.
 */
import { child, element, type Infer } from '../../xml/decl.js';
import { virtioOptionFields } from './interface-driver.js';

export const virtioDriver = element('driver', { ...virtioOptionFields }, { doc: 'virtio device options' });
export type VirtioDriver = Infer<typeof virtioDriver>;

/** The `driver` field of such a device (left out when empty). */
export const virtioDriverField = { driver: child(virtioDriver, { omitEmpty: true }) } as const;
