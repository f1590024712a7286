/**
 * Moving one device between drivers with sysfs writes (§4.2, §4.3), as one
 * idempotent function: `converge` reads where the device is and writes only
 * what is missing to reach the target. Steps, rollback and crash recovery
 * all use it, so a half-done step is finished or undone the same way.
 */
import { classifyDriver, type DriverKind } from '../pci/groups.js';
import { PciHostError, type PciHost } from '../pci/host.js';
import { VFIO_PCI } from '../pci/topology.js';
import { HostdevError } from './errors.js';
import type { DeviceState, DeviceTarget } from './types.js';

export { VFIO_PCI };

export function driverKindOf(host: PciHost, address: string, driver: string | undefined): DriverKind {
  return classifyDriver(driver, driver !== undefined && host.hasVfioDev(address));
}

/** libvirt's stub classification (§4.1): vfio-pci or a VFIO variant, or pciback. */
export function isKnownStubKind(kind: DriverKind): boolean {
  return kind === 'vfio' || kind === 'xen';
}

/** The seed's "already detached" set (§1.4): vfio-pci or a VFIO variant, pci-stub, pcieport. */
export function isGroupExemptKind(kind: DriverKind): boolean {
  return kind === 'vfio' || kind === 'stub' || kind === 'bridge-port';
}

export function readState(host: PciHost, address: string): DeviceState {
  return { driver: host.driver(address) ?? null, override: host.driverOverride(address) ?? null };
}

/** Called before each host write with its description (the journal hook). */
export type BeforeWrite = (write: string) => void;

function hostFailure(address: string, what: string, e: unknown): HostdevError {
  return new HostdevError('host-failure', `Failed to ${what} PCI device ${address}: ${(e as Error).message}`, { device: address, cause: e });
}

/**
 * Drives `address` to `want` with as few writes as needed:
 * - a stub target (override = driver): set the override, unbind, probe;
 * - a host driver: clear the override, unbind, probe; if the kernel chose
 *   another driver, unbind again and probe with the driver named in
 *   `driver_override` (then cleared);
 * - unbound: clear the override and unbind;
 * - `probe`: clear the override and, if the device sits on a stub or is
 *   unbound, unbind and probe (the kernel chooses; libvirt's reattach).
 */
export function converge(host: PciHost, address: string, want: DeviceTarget, before: BeforeWrite): void {
  const write = (what: string, desc: string, fn: () => void) => {
    before(desc);
    try {
      fn();
    } catch (e) {
      if (e instanceof PciHostError) throw hostFailure(address, what, e);
      throw e;
    }
  };
  const setOverride = (driver: string | undefined) => {
    if (host.driverOverride(address) === driver) return;
    write('set driver_override of', `driver_override ${address} ${driver ?? '(clear)'}`, () => host.setDriverOverride(address, driver));
  };
  const unbind = () => {
    const cur = host.driver(address);
    if (cur !== undefined) write(`unbind ${cur} from`, `unbind ${address} from ${cur}`, () => host.unbind(address));
  };
  const probe = () => write('probe', `drivers_probe ${address}`, () => host.probe(address));

  if (want.probe) {
    setOverride(undefined);
    const cur = host.driver(address);
    if (cur === undefined || isKnownStubKind(driverKindOf(host, address, cur))) {
      unbind();
      probe();
    }
    return;
  }
  const target = want.driver ?? undefined;
  const stubStyle = target !== undefined && want.override === target;
  if (host.driver(address) !== target) {
    setOverride(stubStyle ? target : undefined);
    unbind();
    if (target !== undefined) {
      probe();
      if (host.driver(address) !== target && !stubStyle) {
        // the kernel chose another driver (the original one does not claim the device's IDs): name it in driver_override
        unbind();
        setOverride(target);
        probe();
      }
    }
    const now = host.driver(address);
    if (now !== target) {
      const msg = `PCI device ${address} is bound to ${now ?? 'no driver'} instead of ${target ?? 'no driver'}`;
      throw new HostdevError('host-failure', msg, { device: address });
    }
  }
  setOverride(want.override ?? undefined);
}

/** Resets a device (§4.4), through the journal hook. */
export function resetDevice(host: PciHost, address: string, before: BeforeWrite): void {
  before(`reset ${address}`);
  try {
    host.reset(address);
  } catch (e) {
    if (e instanceof PciHostError) throw new HostdevError('host-failure', `Unable to reset PCI device ${address}: ${e.message}`, { device: address, cause: e });
    throw e;
  }
}
