/**
 * virtxml: libvirt XML as typed, validated data, and the hostdev/VFIO logic
 * around `<driver name='vfio' group='auto'/>`.
 *
 * This root entry holds what a user looks for: parse, format, validate,
 * build, allocate, plan — and the `*Def` types they work with. The element
 * declarations and the engine (for those who extend the model) are at
 * `virtxml/model`; the Node host adapters (sysfs, state files) at
 * `virtxml/node`. Pure: no Node built-ins, runs in a browser.
 */

// ---------------------------------------------------------------- errors
export { VirtXmlError, type VirtXmlErrorCode, type SourcePlace } from './xml/errors.js';

// ---------------------------------------------------------------- any document, by its root element
export {
  parseXml,
  formatXml,
  kindOfRoot,
  KIND_NAMES,
  type Kind,
  type KindDef,
  type AnyDocument,
  type ParseXmlOptions,
  type FormatXmlOptions,
} from './kinds.js';

// ---------------------------------------------------------------- input: bytes in any encoding libxml2 reads, limits a caller sets
export { decodeXmlBytes, type DecodeOptions, type DecodedXml } from './xml/encoding.js';
export type { InputLimits } from './xml/reader.js';

// ---------------------------------------------------------------- domains
export { parseDomainXml, formatDomainXml, type ParseDomainOptions, type FormatDomainOptions } from './domain/index.js';
export { parseDomainStatusXml, formatDomainStatusXml, type DomainStatusDef } from './domain/domstatus.js';
export {
  parseDeviceXml,
  formatDeviceXml,
  type DeviceXml,
  type DeviceKind,
  type DeviceDefOf,
  type ParseDeviceOptions,
  type FormatDeviceOptions,
} from './domain/device-xml.js';
export type { DomainDef } from './domain/domain.js';
export type { CpuDef } from './domain/cpu.js';
export type { OsDef } from './domain/os.js';
export type { DevicesDef } from './domain/devices/devices.js';
export type { HostdevDef, PciHostdev } from './domain/devices/hostdev.js';
export type { InterfaceDef, NetworkInterface, HostdevInterface } from './domain/devices/interface.js';
export type { HostdevActual } from './domain/devices/interface-actual.js';
export type { DiskDef } from './domain/devices/disk.js';
export type { ControllerDef } from './domain/devices/controller.js';
export type { GraphicsDef } from './domain/devices/graphics.js';
export type { VideoDef } from './domain/devices/video.js';
export type { SerialDef, ConsoleDef, ChannelDef, ParallelDef } from './domain/devices/chardev.js';
export type { FilesystemDef } from './domain/devices/filesystem.js';
export type { InputDef } from './domain/devices/input.js';
export type { RngDef } from './domain/devices/rng.js';
export type { TpmDef } from './domain/devices/tpm.js';
export type { MemoryDeviceDef } from './domain/devices/memory.js';
export type { SoundDef } from './domain/devices/sound.js';
export type { WatchdogDef } from './domain/devices/watchdog.js';
export type { MemballoonDef } from './domain/devices/memballoon.js';
export type { RedirdevDef } from './domain/devices/redirdev.js';
export type { SmartcardDef } from './domain/devices/smartcard.js';
export type { ShmemDef } from './domain/devices/shmem.js';
export type { IommuDef } from './domain/devices/iommu.js';
export type { VsockDef } from './domain/devices/vsock.js';
export { domainHostdevs, interfaceHostdev } from './domain/hostdevs.js';

// ---------------------------------------------------------------- networks
export {
  parseNetworkXml,
  formatNetworkXml,
  parseNetworkPortXml,
  formatNetworkPortXml,
  type ParseNetworkOptions,
  type FormatNetworkOptions,
} from './network/index.js';
export type { NetworkDef } from './network/network.js';
export type { NetworkPortDef } from './network/port.js';
export { NetworkAllocator, type NetworkAllocatorOptions, type NetworkHook, type CreatePortOptions } from './network/allocator.js';
export { updateNetwork, type NetworkUpdateCommand, type NetworkUpdateSection, type NetworkUpdateOptions } from './network/update.js';

// ---------------------------------------------------------------- the host's own documents: node devices, capabilities, domain capabilities
export { parseNodeDeviceXml, formatNodeDeviceXml, type NodeDeviceDef } from './nodedev/index.js';
export { parseCapabilitiesXml, formatCapabilitiesXml, type CapabilitiesDef } from './capabilities/index.js';
export { parseDomainCapabilitiesXml, formatDomainCapabilitiesXml, type DomainCapabilitiesDef } from './domaincaps/index.js';

// ---------------------------------------------------------------- a domain's block-job documents: snapshots, checkpoints, backup jobs
export { parseDomainSnapshotXml, formatDomainSnapshotXml, type DomainSnapshotDef } from './blockjobs/index.js';
export { parseDomainCheckpointXml, formatDomainCheckpointXml, type DomainCheckpointDef } from './blockjobs/index.js';
export { parseDomainBackupXml, formatDomainBackupXml, type DomainBackupDef } from './blockjobs/index.js';

// ---------------------------------------------------------------- validation
export { validateXml } from './validate/index.js';
export { PROFILES, type Diagnostic, type Profile, type Severity, type DiagnosticSource, type ValidateOptions, type ValidationResult } from './validate/types.js';
export { checkDef, checkDomainDef, checkNetworkDef, checkNetworkPortDef, defJsonSchema, type DefDiagnostic } from './validate/defs.js';

// ---------------------------------------------------------------- builders
/** Builders: typed helpers that return the defs above with `toXml()` and `validate()` (`build.domain`, `build.hostdev.pci`, …). */
export * as build from './builders/index.js';

// ---------------------------------------------------------------- PCI addresses
export { pciAddressName, parsePciAddressName, type PciAddress } from './common/basictypes.js';

// ---------------------------------------------------------------- host devices: PCI layer and hostdev manager
export { buildPciDeviceList, type BuildPciDeviceListOptions } from './hostdev/pci-list.js';
export { PciDevice, type PciStubDriverType, type PciUsedBy } from './pci/device.js';
export { MemoryPciHost } from './pci/memory-host.js';
export { PciHostError, type PciHost, type PciDeviceInfo } from './pci/host.js';
export { pciTopologyFromJson, type PciTopology } from './pci/topology.js';
export { pciTopologyFromNodeDevices, nodeDevicesFromPciHost, type NodeDevicesOptions } from './pci/nodedev.js';
export { listIommuGroups, groupViability, type IommuGroupInfo, type IommuGroupMember, type GroupViability } from './pci/groups.js';
export { HostdevManager, type HostdevManagerOptions, type HostdevRequest, type ManagedGroup } from './hostdev/manager.js';
export type { RecoveryReport } from './hostdev/apply.js';
export type { PrepareFlags } from './hostdev/plan-guest.js';
export { HostdevError } from './hostdev/errors.js';
export { MemoryStateStore, type StateStore } from './hostdev/store.js';
export { writeOrigStates } from './hostdev/origstates.js';
export type { HostdevPlan, PlanStep, ListCounts } from './hostdev/types.js';
