/** `<nvram>` device (pSeries NVRAM; libvirt's `virDomainNVRAMDefFormat`: device info only). */
import { element, type Infer } from '../../xml/decl.js';
import { deviceInfoFields } from './info.js';

export const nvramDevice = element('nvram', { ...deviceInfoFields }, { doc: 'NVRAM device', selfClose: false });
export type NvramDef = Infer<typeof nvramDevice>;
