/**
 * Memory devices and the persistent store (`virDomainMemoryDefValidate`,
 * the NVDIMM label checks of `virDomainMemoryTargetDefParseXML`,
 * `virDomainPstoreDefValidate`). Sizes are compared in KiB, as libvirt keeps
 * them.
 */
import { unitBytes } from '../../domain/scaled.js';
import { childOf, type Located, type Reporter } from './context.js';
import { DEVICES_PATH, familyOf, type DeviceScope } from './devices.js';

/** A scaled size (`<size unit='MiB'>512</size>`) in KiB, as libvirt keeps it (rounded up); parsed values are KiB already, defs built in code may use another unit. */
export function kibOf(s: object | undefined): bigint | undefined {
  // (a scaled element's declaration types it loosely: value and unit are read as they are)
  const value = s && 'value' in s ? s.value : undefined;
  const unit = s && 'unit' in s ? s.unit : undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return undefined;
  const b = unitBytes(typeof unit === 'string' ? unit : 'KiB');
  return b === undefined ? undefined : (BigInt(value) * b + 1023n) / 1024n;
}

const isPow2 = (n: bigint) => n > 0n && (n & (n - 1n)) === 0n;

/** The transparent huge page size libvirt assumes when the host does not tell (`virHostMemGetTHPSize` failing): 2 MiB. */
const THP_KIB = 2048n;
/** `VIR_DOMAIN_NVDIMM_LABEL_MIN` (128 KiB). */
const NVDIMM_LABEL_MIN_KIB = 128n;

export function checkMemoryDevices(def: DeviceScope, r: Reporter): void {
  for (const l of familyOf(def, 'memories')) {
    const m = l.obj;
    const target = m.target ? childOf(l, 'target', m.target) : l;
    const size = kibOf(m.target?.size);
    switch (m.model) {
      case 'nvdimm': {
        // parse time: the label must hold at least 128 KiB and be smaller than the device
        const label = m.target?.label;
        const labelSize = kibOf(label?.size);
        if (label && labelSize !== undefined) {
          const at = childOf(target, 'label', label);
          if (labelSize < NVDIMM_LABEL_MIN_KIB) {
            r.at(at, 'libvirt-memory-label', `XML error: nvdimm label must be at least ${NVDIMM_LABEL_MIN_KIB}KiB`);
            continue;
          }
          if (size !== undefined && labelSize >= size) {
            r.at(at, 'libvirt-memory-label', 'XML error: label size must be smaller than NVDIMM size');
            continue;
          }
        }
        if (m.source?.path === undefined) r.at(m.source ? childOf(l, 'source', m.source) : l, 'libvirt-memory-path', "path is required for model 'nvdimm'");
        break;
      }
      case 'virtio-pmem':
        if (m.source?.path === undefined) r.at(m.source ? childOf(l, 'source', m.source) : l, 'libvirt-memory-path', "path is required for model 'virtio-pmem'");
        else if (m.target?.node !== undefined) r.at(target, 'libvirt-memory-node', 'unsupported configuration: virtio-pmem does not support NUMA nodes');
        break;
      case 'virtio-mem': {
        const t = m.target;
        const requested = kibOf(t?.requested);
        const block = kibOf(t?.block) ?? 0n;
        const base = t?.address?.base;
        if (requested !== undefined && size !== undefined && requested > size) {
          r.at(childOf(target, 'requested', t?.requested), 'libvirt-memory-requested', `requested size must be smaller than or equal to @size (${size}KiB)`);
        } else if (!isPow2(block)) {
          r.at(t?.block ? childOf(target, 'block', t.block) : target, 'libvirt-memory-block', 'block size must be a power of two');
        } else if (block < THP_KIB) {
          r.at(childOf(target, 'block', t?.block), 'libvirt-memory-block', `block size too small, must be at least ${THP_KIB}KiB`);
        } else if (base !== undefined && BigInt(base) % (block * 1024n) !== 0n) {
          r.at(childOf(target, 'address', t?.address), 'libvirt-memory-address', 'memory device address must be aligned to blocksize', { attribute: 'base' });
        }
        break;
      }
      case 'sgx-epc':
        if (m.address) {
          r.at(childOf(l, 'address', m.address), 'libvirt-memory-address', "unsupported configuration: memory device address is not supported for model 'sgx-epc'");
        }
        break;
    }
  }
}

/** `virDomainPstoreDefValidate`: an ACPI ERST store needs a path, and a size of at least 4 KiB that is a power of two. */
export function checkPstore(def: DeviceScope, r: Reporter): void {
  const p = def.devices?.pstore;
  if (!p || p.backend !== 'acpi-erst') return;
  const l: Located<typeof p> = { obj: p, path: `${DEVICES_PATH}/pstore` };
  if (p.path === undefined) {
    r.at(l, 'libvirt-pstore-path', 'XML error: missing path for ACPI ERST pstore device');
    return;
  }
  const size = kibOf(p.size);
  if (size !== undefined && (size < 4n || !isPow2(size))) r.at(childOf(l, 'size', p.size), 'libvirt-pstore-size', 'XML error: invalid size of ACPI ERST pstore device');
}
