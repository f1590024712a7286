/**
 * Builders: typed helpers that make a valid libvirt config easy and an
 * invalid one hard. Each returns the library's own def type (`PciHostdev`,
 * `DiskDef`, `InterfaceDef`, `DomainDef`, `NetworkDef`, …) with `toXml()`
 * (libvirt's canonical form) and `validate(profile?)` (the layers that check
 * parsed XML). Bad input is refused when the builder is called, with a
 * `VirtXmlError` carrying a code and the element path.
 */
export { domain, parseMemorySize, type DomainOptions, type DomainOsOptions, type BuiltDomain, type MemorySize, type AnyBuiltDevice, type BootDevice } from './domain.js';
export { hostdev, type PciHostdevOptions, type UsbHostdevOptions, type MdevHostdevOptions, type HostdevDriverOptions } from './hostdev.js';
export { disk, diskName, diskBusPrefix, type DiskOptions, type DiskBus, type NetworkDiskSource, type NetworkDiskHost } from './disk.js';
export { iface, checkMac, type InterfaceOptions } from './interface.js';
export { graphics, video, input, type GraphicsOptions, type InputBus } from './graphics.js';
export { serial, console, channel } from './console.js';
export { rng, tpm } from './misc.js';
export { network, parseCidr, type BuiltNetwork, type L3NetworkOptions, type HostdevPoolOptions, type NetworkCommon } from './network.js';
export { parsePciAddress, type PciAddressInput } from './pci-address.js';
export { DEVICE_FAMILY, deviceLists, type Built, type BuiltDevice, type BuiltMethods, type DeviceFamily, type ToXmlOptions } from './built.js';
export type { DeviceInfoOptions } from './info.js';
