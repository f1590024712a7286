/**
 * Shared pieces of the hostdev tests: fixture hosts, hostdev defs, and a
 * kill switch that simulates the process dying at the Nth host write or
 * state save.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePciAddressName } from '../src/common/basictypes.js';
import type { HostdevDef, PciHostdev } from '../src/domain/devices/hostdev.js';
import type { StateStore } from '../src/hostdev/store.js';
import { MemoryPciHost } from '../src/pci/memory-host.js';
import { pciTopologyFromJson, type PciTopology } from '../src/pci/topology.js';

export const fixtureTopology = (name: 'virpcimock' | 'gpu'): PciTopology =>
  pciTopologyFromJson(readFileSync(join(__dirname, 'fixtures', `${name}-topology.json`), 'utf8'));

export const hostOf = (name: 'virpcimock' | 'gpu') => new MemoryPciHost(fixtureTopology(name));

export interface HostdevOpts {
  managed?: boolean;
  group?: boolean;
  backend?: 'vfio' | 'xen';
  model?: string;
}

/** A `<hostdev mode='subsystem' type='pci'>` def for an address. */
export function pciHostdev(address: string, opts: HostdevOpts = {}): PciHostdev {
  const a = parsePciAddressName(address);
  if (!a) throw new Error(`bad address ${address}`);
  const h: PciHostdev = { mode: 'subsystem', type: 'pci', managed: opts.managed ?? false, source: { address: a } };
  const driver = { ...(opts.backend ? { name: opts.backend } : {}), ...(opts.model ? { model: opts.model } : {}), ...(opts.group ? { groupMgmt: 'auto' as const } : {}) };
  if (Object.keys(driver).length) h.driver = driver;
  return h;
}

export const hostdevs = (addresses: string[], opts: HostdevOpts = {}): HostdevDef[] => addresses.map((a) => pciHostdev(a, opts));

/** Driver of each device (undefined: unbound). */
export function drivers(host: MemoryPciHost, addresses: string[]): Record<string, string | undefined> {
  return Object.fromEntries(addresses.map((a) => [a, host.driver(a)]));
}

/** Bindings and overrides of every device: what "every device where it belongs" compares. */
export function bindings(host: MemoryPciHost): Record<string, [string | undefined, string | undefined]> {
  return Object.fromEntries(host.listDevices().map((a) => [a, [host.driver(a), host.driverOverride(a)]]));
}

/** Moves a device to a driver by hand (as an admin would, through driver_override). */
export function rebind(host: MemoryPciHost, address: string, driver: string | undefined): void {
  host.setDriverOverride(address, driver);
  if (host.driver(address) !== undefined) host.unbind(address);
  if (driver !== undefined) host.probe(address);
  host.setDriverOverride(address, undefined);
}

/** The process "dies": thrown by the kill switch. */
export class Kill extends Error {
  constructor() {
    super('killed');
  }
}

/** Counts host writes and state saves together; at event `at` and after, everything throws Kill. */
export class KillSwitch {
  events = 0;
  dead = false;
  constructor(readonly at: number) {}
  tick(): void {
    if (this.dead || this.events++ === this.at) {
      this.dead = true;
      throw new Kill();
    }
  }
}

/** A store whose saves go through the kill switch; `die()` releases the lock as the OS would. */
export class KillableStore implements StateStore {
  private held: (() => void) | undefined;
  constructor(
    readonly inner: StateStore,
    readonly sw: KillSwitch,
  ) {}
  load(): string | undefined {
    return this.inner.load();
  }
  save(text: string): void {
    this.sw.tick();
    this.inner.save(text);
  }
  lock(): () => void {
    this.held = this.inner.lock();
    return () => {
      if (!this.sw.dead) this.held?.();
    };
  }
  die(): void {
    this.held?.();
    this.held = undefined;
  }
}

/** Routes the host's writes through the kill switch. */
export function killableHost(host: MemoryPciHost, sw: KillSwitch): void {
  host.injectFault(() => {
    sw.tick();
    return false;
  });
}
