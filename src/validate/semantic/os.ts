/**
 * `<os>` firmware rules (`virDomainDefOSValidate`): firmware autoselection
 * features, loader path, NVRAM against stateless loaders and firmware kind.
 */
import type { DomainDef } from '../../domain/domain.js';
import { itemPath, type Reporter } from './context.js';

export function checkOs(def: DomainDef, r: Reporter): void {
  const os = def.os;
  if (!os) return;
  const osPath = '/domain/os';
  // a container's init (the parser, for os type exe)
  if (os.type?.value === 'exe' && os.init === undefined) r.at({ obj: os, path: osPath }, 'libvirt-os-init', 'XML error: init binary must be specified');
  // a container's init arguments and environment carry data (the parser)
  (os.initargs ?? []).forEach((a, i, list) => {
    if (!a.value) r.at({ obj: a, path: itemPath(osPath, 'initarg', list, i) }, 'libvirt-os-init', 'XML error: No data supplied for <initarg> element');
  });
  (os.initenvs ?? []).forEach((e, i, list) => {
    if (!e.value) r.at({ obj: e, path: itemPath(osPath, 'initenv', list, i) }, 'libvirt-os-init', `XML error: No value supplied for <initenv name='${e.name}'> element`);
  });
  // (virDomainDefOSValidate) a shim is loaded before a kernel, so it needs one
  // (read for every os type but a container's, and 'linux' outside Xen, where it does not become 'xen')
  const bootOptions = os.type?.value !== 'exe' && (os.type?.value !== 'linux' || def.type === 'xen');
  if (bootOptions && os.shim !== undefined && os.kernel === undefined) r.reportChild(os, 'shim', `${osPath}/shim`, 'libvirt-os-shim', 'unsupported configuration: shim only allowed with kernel option');
  const loader = os.loader;
  const loaderAt = { obj: loader, path: `${osPath}/loader` };
  const nvram = os.nvram;
  const nvramAt = { obj: nvram, path: `${osPath}/nvram` };
  const hasNvramStore = nvram !== undefined && (nvram.path !== undefined || nvram.type !== undefined || nvram.source !== undefined);
  // an <nvram type=…> reads its <source>; without one libvirt 12.9's parser fails without saying why
  if (nvram?.type !== undefined && nvram.source === undefined) {
    r.at(nvramAt, 'libvirt-os-nvram', 'An error occurred, but the cause is unknown', { attribute: 'type' });
  }
  if (os.firmware !== undefined) {
    const feats = os.firmwareFeatures?.features ?? [];
    const feat = (n: string) => feats.find((f) => f.name === n)?.enabled;
    if (feat('enrolled-keys') === true && feat('secure-boot') === false) {
      r.at(
        { obj: os.firmwareFeatures, path: `${osPath}/firmware` },
        'libvirt-os-firmware',
        "firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled",
      );
    }
    if (os.firmware === 'bios' && hasNvramStore) r.at(nvramAt, 'libvirt-os-nvram', "firmware type 'bios' does not support nvram");
  } else if ((loader && loader.path === undefined) || (!loader && nvram !== undefined)) {
    // (an <nvram> without <loader> gets an empty loader from libvirt, which then has no path)
    r.at(loader ? loaderAt : nvramAt, 'libvirt-os-loader', 'no loader path specified and firmware auto selection disabled');
  }
  if (!loader) return;
  if (loader.stateless === true) {
    if (nvram?.template !== undefined) r.at(nvramAt, 'libvirt-os-nvram', 'NVRAM template is not permitted when loader is stateless', { attribute: 'template' });
    else if (hasNvramStore) r.at(nvramAt, 'libvirt-os-nvram', 'NVRAM is not permitted when loader is stateless');
  } else if (loader.stateless === false) {
    if (os.firmware === undefined && loader.type !== 'pflash') {
      r.at(loaderAt, 'libvirt-os-nvram', 'Only pflash loader type permits NVRAM', { attribute: 'stateless' });
    } else if (os.firmware !== undefined && os.firmware !== 'efi') {
      r.at(loaderAt, 'libvirt-os-nvram', 'Only EFI firmware permits NVRAM', { attribute: 'stateless' });
    }
  }
}
