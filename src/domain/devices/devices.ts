/**
 * `<devices>`: one list per device family, in libvirt's formatting order.
 * Families without a declaration yet are kept losslessly in place by the
 * codec. The order below was derived from libvirt's formatted outputs in
 * the corpus (a topological order of every pair of families seen together):
 *
 *   emulator disk controller filesystem interface smartcard serial parallel
 *   console channel lease input graphics tpm sound audio video redirdev
 *   hostdev watchdog hub redirfilter memballoon rng panic crypto memory iommu
 *   pstore shmem vsock   (nvram: libvirt places it after memballoon/rng…)
 *
 * Each family adds its list at its place between the markers below.
 */
import { child, element, list, value, type ElementDecl, type Infer } from '../../xml/decl.js';
import { str } from '../../xml/values.js';
import { checkDuplicateHostdevs } from '../hostdevs.js';
import { controller } from './controller.js';
import { disk } from './disk.js';
import { filesystem } from './filesystem.js';
import { hostdev } from './hostdev.js';
import { lease } from './lease.js';
import { netInterface } from './interface.js';
import { audio } from './audio.js';
import { channelDevice, consoleDevice, parallelDevice, serialDevice } from './chardev.js';
import { cryptoDevice } from './crypto.js';
import { graphics } from './graphics.js';
import { hub } from './hub.js';
import { input } from './input.js';
import { iommu } from './iommu.js';
import { memballoon } from './memballoon.js';
import { memoryDevice } from './memory.js';
import { nvramDevice } from './nvram.js';
import { panic } from './panic.js';
import { pstore } from './pstore.js';
import { redirdev, redirfilter } from './redirdev.js';
import { rng } from './rng.js';
import { shmem } from './shmem.js';
import { smartcard } from './smartcard.js';
import { sound } from './sound.js';
import { tpm } from './tpm.js';
import { video } from './video.js';
import { vsock } from './vsock.js';
import { watchdog } from './watchdog.js';

/** The fields of `<devices>` (its declaration's type is named, DevicesDecl, so that the domain's type stays within what the compiler writes out). */
export const devicesFields = {
  emulator: value('emulator', str, { doc: 'Path of the device model emulator binary' }),
  // @families disk controller lease filesystem (storage)
  disks: list(disk, { doc: 'Disks, cdroms, floppies and LUNs (<disk>)' }),
  controllers: list(controller, { doc: 'Bus controllers (<controller>)' }),
  leases: list(lease, { doc: 'Lock manager leases (<lease>)' }),
  filesystems: list(filesystem, { doc: 'Shared filesystems (<filesystem>)' }),
  interfaces: list(netInterface, { doc: 'Network interfaces (<interface>)' }),
  // @families smartcard serial parallel console channel input graphics tpm sound audio video redirdev
  smartcards: list(smartcard, { doc: 'Smartcard readers (<smartcard>)' }),
  serials: list(serialDevice, { doc: 'Serial ports (<serial>)' }),
  parallels: list(parallelDevice, { doc: 'Parallel ports (<parallel>)' }),
  consoles: list(consoleDevice, { doc: 'Consoles (<console>)' }),
  channels: list(channelDevice, { doc: 'Host/guest channels (<channel>)' }),
  inputs: list(input, { doc: 'Input devices (<input>)' }),
  // libvirt writes tpm between input and graphics (virDomainDefFormatInternal; no corpus pair shows it)
  tpms: list(tpm, { doc: 'TPM devices (<tpm>)' }),
  graphics: list(graphics, { doc: 'Graphical framebuffers (<graphics>)' }),
  sounds: list(sound, { doc: 'Sound cards (<sound>)' }),
  audios: list(audio, { doc: 'Audio backends (<audio>)' }),
  videos: list(video, { doc: 'Video adapters (<video>)' }),
  hostdevs: list(hostdev, { doc: 'Host devices (<hostdev>)' }),
  // @families watchdog hub redirfilter memballoon rng panic crypto memory iommu pstore shmem vsock nvram
  // libvirt's order after hostdev (virDomainDefFormatInternal): pairs the corpus does not show
  // (hostdev/redirdev, hub/watchdog, crypto/pstore, shmem/memory, …) follow libvirt's formatter
  redirdevs: list(redirdev, { doc: 'Redirected USB devices (<redirdev>)' }),
  redirfilter: child(redirfilter, { doc: 'USB redirection filter (<redirfilter>)' }),
  hubs: list(hub, { doc: 'USB hubs (<hub>)' }),
  watchdogs: list(watchdog, { doc: 'Watchdog devices (<watchdog>)' }),
  memballoon: child(memballoon, { doc: 'Memory balloon (<memballoon>)' }),
  rngs: list(rng, { doc: 'Random number generators (<rng>)' }),
  nvram: child(nvramDevice, { doc: 'NVRAM device (<nvram>)' }),
  panics: list(panic, { doc: 'Panic devices (<panic>)' }),
  shmems: list(shmem, { doc: 'Shared memory devices (<shmem>)' }),
  memories: list(memoryDevice, { doc: 'Memory devices (<memory>)' }),
  iommu: child(iommu, { doc: 'Guest IOMMU (<iommu>)' }),
  vsock: child(vsock, { doc: 'vsock device (<vsock>)' }),
  cryptos: list(cryptoDevice, { doc: 'Crypto devices (<crypto>)' }),
  pstore: child(pstore, { doc: 'Persistent store (<pstore>)' }),
} as const;
export interface DevicesDecl extends ElementDecl<typeof devicesFields> {}
export const devices: DevicesDecl = element(
  'devices',
  devicesFields,
  // virDomainDefFormatInternal writes <devices> + </devices> even with no device
  { doc: 'The guest devices', check: checkDuplicateHostdevs, selfClose: false },
);
export type DevicesDef = Infer<typeof devices>;
