/**
 * Small device builders: a virtio RNG (entropy from the host) and a TPM
 * (swtpm emulator, or the host's own), as modern guests (Windows 11,
 * measured boot) expect.
 *
 * ```ts
 * rng.virtio();                   // /dev/urandom
 * tpm.emulator();                 // TPM 2.0, tpm-crb
 * ```
 */
import { rng as rngDecl, type RngDef } from '../domain/devices/rng.js';
import { tpm as tpmDecl, type TpmDef } from '../domain/devices/tpm.js';
import { builtDevice, type BuiltDevice } from './built.js';
import { builderError, show } from './errors.js';

/** Builders of `<rng>` devices. */
export const rng = {
  /** A virtio RNG fed from a host file (default `/dev/urandom`); `rate` limits it (bytes per period ms). */
  virtio(options: { source?: string; rate?: { bytes: number; period?: number } } = {}): BuiltDevice<RngDef, 'rng'> {
    const source = options.source ?? '/dev/urandom';
    if (typeof source !== 'string' || !source.startsWith('/')) throw builderError('invalid-value', `RNG source must be an absolute path, got ${show(source)}`, '/rng/backend');
    const def: RngDef = { model: 'virtio', backend: { model: 'random', path: source } };
    if (options.rate !== undefined) {
      const { bytes, period } = options.rate;
      if (!Number.isInteger(bytes) || bytes < 1) throw builderError('invalid-value', `rate.bytes must be a positive integer, got ${show(bytes)}`, '/rng/rate/@bytes');
      if (period !== undefined && (!Number.isInteger(period) || period < 1)) throw builderError('invalid-value', `rate.period must be a positive integer (ms), got ${show(period)}`, '/rng/rate/@period');
      def.rate = { bytes, ...(period !== undefined ? { period } : {}) };
    }
    return builtDevice(def, 'rng', rngDecl);
  },
};

/** Builders of `<tpm>` devices. */
export const tpm = {
  /** An emulated TPM (swtpm), version 2.0 on the CRB interface unless said otherwise. */
  emulator(options: { version?: '2.0' | '1.2'; model?: 'tpm-crb' | 'tpm-tis' } = {}): BuiltDevice<TpmDef, 'tpm'> {
    const version = options.version ?? '2.0';
    if (version !== '2.0' && version !== '1.2') throw builderError('invalid-value', `TPM version must be 2.0 or 1.2, got ${show(version)}`, '/tpm/backend/@version');
    const model = options.model ?? (version === '2.0' ? 'tpm-crb' : 'tpm-tis');
    if (model !== 'tpm-crb' && model !== 'tpm-tis') throw builderError('invalid-value', `TPM model must be tpm-crb or tpm-tis, got ${show(model)}`, '/tpm/@model');
    if (model === 'tpm-crb' && version === '1.2') throw builderError('unsupported', 'the CRB interface is TPM 2.0 only', '/tpm/@model');
    return builtDevice({ model, backend: { type: 'emulator', version } } as TpmDef, 'tpm', tpmDecl);
  },
  /** The host's TPM (`/dev/tpm0` unless said otherwise), given to one guest. */
  passthrough(options: { device?: string; model?: 'tpm-crb' | 'tpm-tis' } = {}): BuiltDevice<TpmDef, 'tpm'> {
    const path = options.device ?? '/dev/tpm0';
    if (typeof path !== 'string' || !path.startsWith('/dev/')) throw builderError('invalid-value', `TPM device must be a /dev path, got ${show(path)}`, '/tpm/backend/device/@path');
    const model = options.model ?? 'tpm-crb';
    if (model !== 'tpm-crb' && model !== 'tpm-tis') throw builderError('invalid-value', `TPM model must be tpm-crb or tpm-tis, got ${show(model)}`, '/tpm/@model');
    return builtDevice({ model, backend: { type: 'passthrough', device: { path } } } as TpmDef, 'tpm', tpmDecl);
  },
};
