/** The PCI layer's pure part (no Node built-ins): host interface, topology, in-memory host, IOMMU-group analysis. */
export { PciHostError, type PciHost, type PciDeviceInfo, type PciHeaderType, type PciHostErrorCode, type PciSriovInfo } from './host.js';
export {
  PciTopologyError,
  VFIO_PCI,
  canonicalPciName,
  comparePciNames,
  formatPciClass,
  formatPciId,
  headerTypeOfClass,
  pciTopologyFromJson,
  pciTopologyProblems,
  validatePciTopology,
  type PciTopology,
  type PciTopologyDevice,
  type PciTopologyDriver,
} from './topology.js';
export { MemoryPciHost, type PciFaultPredicate, type PciHostWrite, type PciWriteOp } from './memory-host.js';
export {
  VFIO_VIABLE_KINDS,
  classifyDriver,
  criticalClassReason,
  criticalDevices,
  driverKind,
  groupMember,
  groupViability,
  listIommuGroups,
  type CriticalDevice,
  type DriverKind,
  type GroupViability,
  type IommuGroupInfo,
  type IommuGroupMember,
} from './groups.js';
export { listSriov, type SriovPf, type SriovVf } from './sriov.js';
export {
  UNKNOWN_DRIVER,
  isVfioDriverName,
  nodeDeviceName,
  nodeDevicesFromPciHost,
  pciTopologyFromNodeDevices,
  type NodeDevicesOptions,
} from './nodedev.js';
