/**
 * A domain checked against the `<domainCapabilities>` of the host it is meant
 * for: what that hypervisor cannot do, reported where the domain asks for it,
 * as libvirt's QEMU driver refuses it at define (qemu_validate.c, and
 * domain_capabilities.c's `virDomainCapsDeviceDefValidate`) or at start
 * (PCI hostdev backend: qemuHostdevPreparePCIDevicesCheckSupport, CPU mode:
 * qemuProcessUpdateGuestCPU).
 *
 * Messages: where libvirt refuses with a message of its own, that message
 * (source 'libvirt'); where libvirt's refusal comes from deeper down (QEMU
 * failing to start, a missing device property) the check is virtxml's own,
 * with source 'virtxml' and a message naming the capability that lacks it.
 *
 * Domain capabilities describe one emulator, architecture, machine type and
 * virtualization type; checks need the domain to match them (a mismatch of
 * virt type or architecture is itself reported, as libvirt's messages say).
 */
import type { DomainDef } from '../../domain/domain.js';
import { enumValues, type CapsEnum, type DomainCapabilitiesDef } from '../../domaincaps/domaincaps.js';
import type { Diagnostic } from '../types.js';
import { itemPath, QEMU_TYPES, Reporter } from './context.js';

type EnumHolder = { supported: boolean; enums?: CapsEnum[] } | undefined;

const CODE = 'domcaps-unsupported';
const PCI_BACKEND_REFUSAL: Record<string, string> = {
  default: "host doesn't support passthrough of host PCI devices",
  vfio: "host doesn't support VFIO PCI passthrough",
  kvm: "host doesn't support legacy PCI passthrough",
  xen: "QEMU does not support device assignment mode 'xen'",
};

/** Machine type names QEMU resolves to a versioned machine (`q35` → `pc-q35-8.2`). */
function sameMachine(asked: string, caps: string): boolean {
  if (asked === caps) return true;
  const alias: Record<string, string> = { q35: 'pc-q35-', pc: 'pc-i440fx-' };
  const prefix = alias[asked] ?? `${asked}-`;
  return caps.startsWith(prefix) && /^[0-9.]+$/.test(caps.slice(prefix.length));
}

/**
 * What the host described by `caps` cannot do of the domain `def` (parsed
 * with places, or built in code), one diagnostic per refusal.
 */
export function domainCapsDiagnostics(def: DomainDef, caps: DomainCapabilitiesDef, file?: string): Diagnostic[] {
  const r = new Reporter(file !== undefined ? { profile: 'libvirt', file } : { profile: 'libvirt' });
  const d = def;
  const emulator = d.devices?.emulator ?? caps.path ?? 'qemu';
  const ROOT = '/domain';
  const virtxml = { source: 'virtxml' as const };
  /** A value outside the enum `name` of a capabilities element (absent enum: no constraint). */
  const lacks = (el: EnumHolder, name: string, v: string | undefined): boolean => {
    if (v === undefined) return false;
    const vals = enumValues(el, name);
    return vals !== undefined && !vals.includes(v);
  };

  // the emulator, virt type, architecture and machine type the capabilities describe
  if (d.type !== caps.domain) {
    r.report(def, ROOT, CODE, `Emulator '${emulator}' does not support virt type '${d.type}'`, { attribute: 'type' });
  }
  const ostype = d.os?.type;
  if (ostype?.arch !== undefined && ostype.arch !== caps.arch) {
    r.report(ostype, `${ROOT}/os/type`, CODE, `Emulator '${emulator}' does not support arch '${ostype.arch}'`, { attribute: 'arch' });
  }
  if (ostype?.machine !== undefined && caps.machine !== undefined && !sameMachine(ostype.machine, caps.machine)) {
    r.report(
      ostype,
      `${ROOT}/os/type`,
      'domcaps-other-machine',
      `domain capabilities are for machine type '${caps.machine}', not '${ostype.machine}': ask the host for its capabilities of that machine type (virsh domcapabilities --machine ${ostype.machine})`,
      { attribute: 'machine', severity: 'warning', ...virtxml },
    );
  }

  if (d.vcpu && caps.vcpu && d.vcpu.count > caps.vcpu.max) {
    r.report(d.vcpu, `${ROOT}/vcpu`, CODE, `Maximum CPUs greater than specified machine type limit ${caps.vcpu.max}`);
  }
  if (d.iothreads !== undefined && d.iothreads > 0 && caps.iothreads && !caps.iothreads.supported) {
    r.reportChild(def, 'iothreads', `${ROOT}/iothreads`, CODE, 'IOThreads not supported for this QEMU');
  }

  // firmware
  const os = d.os;
  if (os?.firmware !== undefined && caps.os && (!caps.os.supported || lacks(caps.os, 'firmware', os.firmware))) {
    r.report(os, `${ROOT}/os`, CODE, `Unable to find '${os.firmware}' firmware that is compatible with the current configuration`, { attribute: 'firmware' });
  }
  const loader = os?.loader;
  const capsLoader = caps.os?.loader;
  if (loader && capsLoader) {
    const path = `${ROOT}/os/loader`;
    if (lacks(capsLoader, 'type', loader.type)) r.report(loader, path, CODE, `loader type '${loader.type}' is not supported by this hypervisor (domain capabilities: os/loader type)`, { attribute: 'type', ...virtxml });
    if (loader.secure !== undefined && lacks(capsLoader, 'secure', loader.secure ? 'yes' : 'no'))
      r.report(loader, path, CODE, `secure boot loader (secure='${loader.secure ? 'yes' : 'no'}') is not supported by this hypervisor (domain capabilities: os/loader secure)`, { attribute: 'secure', ...virtxml });
  }

  // guest CPU
  const cpu = d.cpu;
  const mode = cpu ? (cpu.mode ?? 'custom') : undefined;
  const capsMode = mode !== undefined ? caps.cpu?.modes?.find((m) => m.name === mode) : undefined;
  // a custom CPU without a model (only topology, say) is not checked (qemuProcessUpdateGuestCPU returns early)
  const checked = cpu !== undefined && !(mode === 'custom' && cpu.model?.name === undefined);
  if (cpu && checked && mode !== undefined && caps.cpu && (!capsMode || !capsMode.supported)) {
    r.report(cpu, `${ROOT}/cpu`, CODE, `CPU mode '${mode}' for ${caps.arch} ${d.type} domain on ${caps.arch} host is not supported by hypervisor`, { attribute: 'mode' });
  } else if (capsMode?.name === 'custom' && cpu?.model?.name !== undefined && capsMode.models) {
    const name = cpu.model.name;
    const known = capsMode.models.find((m) => m.name === name);
    if (!known) r.report(cpu.model, `${ROOT}/cpu/model`, CODE, `CPU model '${name}' is not known to this hypervisor (domain capabilities: cpu custom models)`, virtxml);
    else if (known.usable === 'no')
      r.report(cpu.model, `${ROOT}/cpu/model`, 'domcaps-cpu-unusable', `CPU model '${name}' is not usable on this host (domain capabilities: usable='no')`, { severity: 'warning', ...virtxml });
  }

  if (d.memoryBacking?.source && caps.memoryBacking && lacks(caps.memoryBacking, 'sourceType', d.memoryBacking.source.type)) {
    const src = d.memoryBacking.source;
    r.report(src, `${ROOT}/memoryBacking/source`, CODE, `memory backing source type '${src.type}' is not supported by this hypervisor (domain capabilities: memoryBacking sourceType)`, { attribute: 'type', ...virtxml });
  }

  // devices
  const dev = d.devices;
  const dc = caps.devices;
  if (dev && dc) {
    const D = `${ROOT}/devices`;
    const each = <T extends object>(list: T[] | undefined, name: string, fn: (item: T, path: string) => void) =>
      list?.forEach((item, i) => fn(item, itemPath(D, name, list, i)));
    const unsupported = (el: EnumHolder, what: string) => el !== undefined && !el.supported && `${what} devices are not supported by this hypervisor (domain capabilities: ${what} supported='no')`;

    each(dev.disks, 'disk', (disk, path) => {
      const no = unsupported(dc.disk, 'disk');
      if (no) return r.report(disk, path, CODE, no, virtxml);
      if (lacks(dc.disk, 'diskDevice', disk.device)) r.report(disk, path, CODE, `disk device '${disk.device}' is not supported by this hypervisor (domain capabilities: disk diskDevice)`, { attribute: 'device', ...virtxml });
      const bus = disk.target?.bus;
      if (lacks(dc.disk, 'bus', bus)) r.report(disk.target, `${path}/target`, CODE, `disk bus '${bus}' is not supported by this hypervisor (domain capabilities: disk bus)`, { attribute: 'bus', ...virtxml });
      if (lacks(dc.disk, 'model', disk.model)) r.report(disk, path, CODE, `disk model '${disk.model}' is not supported by this hypervisor (domain capabilities: disk model)`, { attribute: 'model', ...virtxml });
    });
    each(dev.graphics, 'graphics', (g, path) => {
      if (lacks(dc.graphics, 'type', g.type) || unsupported(dc.graphics, 'graphics'))
        r.report(g, path, CODE, `graphics type '${g.type}' is not supported by this hypervisor (domain capabilities: graphics type)`, { attribute: 'type', ...virtxml });
    });
    each(dev.videos, 'video', (v, path) => {
      const type = v.model?.type;
      if (type !== undefined && type !== 'default' && lacks(dc.video, 'modelType', type))
        r.report(v.model, `${path}/model`, CODE, `domain configuration does not support 'video model' value '${type}'`, { attribute: 'type' });
    });
    each(dev.rngs, 'rng', (rng, path) => {
      if (lacks(dc.rng, 'model', rng.model)) r.report(rng, path, CODE, `domain configuration does not support 'rng model' value '${rng.model}'`, { attribute: 'model' });
      const bm = rng.backend?.model;
      if (lacks(dc.rng, 'backendModel', bm)) r.report(rng.backend, `${path}/backend`, CODE, `rng backend model '${bm}' is not supported by this hypervisor (domain capabilities: rng backendModel)`, { attribute: 'model', ...virtxml });
    });
    each(dev.tpms, 'tpm', (tpm, path) => {
      if (lacks(dc.tpm, 'model', tpm.model)) r.report(tpm, path, CODE, `TPM model '${tpm.model}' is not supported by this hypervisor (domain capabilities: tpm model)`, { attribute: 'model', ...virtxml });
      const bt = tpm.backend?.type;
      if (lacks(dc.tpm, 'backendModel', bt)) r.report(tpm.backend, `${path}/backend`, CODE, `TPM backend type '${bt}' is not supported by this hypervisor (domain capabilities: tpm backendModel)`, { attribute: 'type', ...virtxml });
    });
    each(dev.filesystems, 'filesystem', (fs, path) => {
      const t = fs.driver?.type;
      if (lacks(dc.filesystem, 'driverType', t)) r.report(fs.driver, `${path}/driver`, CODE, `filesystem driver type '${t}' is not supported by this hypervisor (domain capabilities: filesystem driverType)`, { attribute: 'type', ...virtxml });
    });
    each(dev.redirdevs, 'redirdev', (rd, path) => {
      if (lacks(dc.redirdev, 'bus', rd.bus)) r.report(rd, path, CODE, `redirdev bus '${rd.bus}' is not supported by this hypervisor (domain capabilities: redirdev bus)`, { attribute: 'bus', ...virtxml });
    });
    // (the channel type enum lists the types libvirt advertises, not all QEMU takes: not a refusal)

    // host devices: the mode and subsystem type, and the PCI backend libvirt resolves at start
    const pciBackend = (at: object, path: string, name: string | undefined) => {
      const backend = name ?? 'default';
      const backends = enumValues(dc.hostdev, 'pciBackend');
      if (!backends) return;
      // default resolves to vfio, which the host must offer
      const ok = backend === 'default' ? backends.includes('vfio') : backends.includes(backend);
      if (ok) return;
      const attribute = name !== undefined ? { attribute: 'name' } : {};
      if (QEMU_TYPES.has(caps.domain)) r.report(at, path, CODE, PCI_BACKEND_REFUSAL[backend] ?? `QEMU does not support device assignment mode '${backend}'`, attribute);
      else r.report(at, path, CODE, `PCI device assignment backend '${backend}' is not supported by this hypervisor (domain capabilities: hostdev pciBackend)`, { ...attribute, ...virtxml });
    };
    each(dev.hostdevs, 'hostdev', (h, path) => {
      const no = unsupported(dc.hostdev, 'hostdev');
      if (no) return r.report(h, path, CODE, no, virtxml);
      if (lacks(dc.hostdev, 'mode', h.mode)) return r.report(h, path, CODE, `hostdev mode '${h.mode}' is not supported by this hypervisor (domain capabilities: hostdev mode)`, { attribute: 'mode', ...virtxml });
      const typeEnum = h.mode === 'capabilities' ? 'capsType' : 'subsysType';
      // libvirt enumerates these subsystem types only (mdev hostdevs are not in the enum, yet supported)
      const enumerated = typeEnum === 'capsType' || ['usb', 'pci', 'scsi', 'scsi_host'].includes(h.type ?? '');
      if (enumerated && lacks(dc.hostdev, typeEnum, h.type))
        return r.report(h, path, CODE, `hostdev ${h.mode ?? 'subsystem'} type '${h.type}' is not supported by this hypervisor (domain capabilities: hostdev ${typeEnum})`, { attribute: 'type', ...virtxml });
      if ((h.mode ?? 'subsystem') === 'subsystem' && h.type === 'pci') pciBackend(h.driver ?? h, h.driver ? `${path}/driver` : path, h.driver?.name);
    });
    each(dev.interfaces, 'interface', (iface, path) => {
      if (iface.type === 'hostdev') {
        if (lacks(dc.hostdev, 'subsysType', 'pci') || (dc.hostdev && !dc.hostdev.supported))
          return r.report(iface, path, CODE, 'hostdev devices are not supported by this hypervisor (domain capabilities: hostdev subsysType pci)', virtxml);
        pciBackend(iface.driver ?? iface, iface.driver ? `${path}/driver` : path, iface.driver?.name);
      }
      const bt = iface.backend?.type;
      if (lacks(dc.interface, 'backendType', bt)) r.report(iface.backend, `${path}/backend`, CODE, `interface backend type '${bt}' is not supported by this hypervisor (domain capabilities: interface backendType)`, { attribute: 'type', ...virtxml });
    });
  }

  // features
  const f = d.features;
  const fc = caps.features;
  if (f && fc) {
    const F = `${ROOT}/features`;
    if (f.vmcoreinfo && f.vmcoreinfo.state !== false && fc.vmcoreinfo && !fc.vmcoreinfo.supported) r.report(f.vmcoreinfo, `${F}/vmcoreinfo`, CODE, 'vmcoreinfo is not available with this QEMU binary');
    if (f.gic?.version !== undefined && f.gic.version !== 'host' && lacks(fc.gic, 'version', f.gic.version))
      r.report(f.gic, `${F}/gic`, CODE, `GIC version '${f.gic.version}' is not supported by this hypervisor (domain capabilities: gic version)`, { attribute: 'version', ...virtxml });
    if (f.hyperv && fc.hyperv && !fc.hyperv.supported) r.report(f.hyperv, `${F}/hyperv`, CODE, 'Hyper-V enlightenments are not supported by this hypervisor (domain capabilities: hyperv supported=\'no\')', virtxml);
    if (f.asyncTeardown?.enabled && fc.asyncTeardown && !fc.asyncTeardown.supported)
      r.report(f.asyncTeardown, `${F}/async-teardown`, CODE, 'async teardown is not supported by this hypervisor (domain capabilities: async-teardown supported=\'no\')', { attribute: 'enabled', ...virtxml });
  }
  if (d.genid !== undefined && fc?.genid && !fc.genid.supported) r.reportChild(def, 'genid', `${ROOT}/genid`, CODE, "this QEMU does not support the 'genid' capability");
  const ls = d.launchSecurity;
  if (ls && fc) {
    // (a type the declaration does not model yet, such as tdx, is kept by the parser with its word: read it as a string)
    const type: string = ls.type;
    const which = type === 'sev' || type === 'sev-snp' ? fc.sev : type === 's390-pv' ? fc.s390Pv : type === 'tdx' ? fc.tdx : undefined;
    if (which && !which.supported) {
      if (type === 'tdx') r.report(ls, `${ROOT}/launchSecurity`, CODE, "TDX launch security is not supported by this hypervisor (domain capabilities: tdx supported='no')", { attribute: 'type', ...virtxml });
      else r.report(ls, `${ROOT}/launchSecurity`, CODE, `${type === 's390-pv' ? 'S390 PV' : type === 'sev-snp' ? 'SEV SNP' : 'SEV'} launch security is not supported with this QEMU binary`, { attribute: 'type' });
    }
  }
  return r.diagnostics;
}
