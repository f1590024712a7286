/**
 * virtxml for Node: the core plus the host adapters that use Node built-ins
 * (`SysfsHost` over /sys, `FileStateStore` for the hostdev manager's journal).
 */
export * from './index.js';
export { SysfsHost, type SysfsFs, type SysfsHostOptions } from './pci/sysfs.js';
export { FileStateStore } from './hostdev/file-store.js';
