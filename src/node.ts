/**
 * virtxml for Node: everything of `virtxml/model` (the root's names among
 * them) plus the host adapters that use Node built-ins (`SysfsHost` over
 * /sys, `FileStateStore` for the hostdev manager's journal).
 */
export * from './model.js';
export { SysfsHost, type SysfsFs, type SysfsHostOptions } from './pci/sysfs.js';
export { FileStateStore, type FileStateStoreOptions } from './hostdev/file-store.js';
