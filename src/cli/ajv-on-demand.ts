/**
 * ajv's `Ajv2020` for the CLI bundle, loaded by the first `new Ajv2020(...)`
 * rather than when the CLI starts: tsup.config.ts points the CLI build's
 * imports of 'ajv/dist/2020.js' here. Loading ajv costs a cold process about
 * 50 ms, and most runs (`validate` of XML files) never check a JSON def.
 */
import { createRequire } from 'node:module';
import type RealAjv2020 from 'ajv/dist/2020.js';

type Options = ConstructorParameters<typeof RealAjv2020>[0];

/** Called with `new` as the real class is: returns an instance of it. */
export default function Ajv2020(options?: Options): RealAjv2020 {
  const Real: typeof RealAjv2020 = createRequire(typeof __filename === 'string' ? __filename : import.meta.url)('ajv/dist/2020.js');
  return new Real(options);
}
