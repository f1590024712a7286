/**
 * The per-kind row every document kind's conformance prints the same way:
 * the `rng` profile's verdict against xmllint's with each release's schemas
 * (host-, storage-, filter- and snapshot-kinds.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vx from '../src/model.js';
import { oracleValidate } from './oracle.js';

export type Rows = Array<Record<string, unknown>>;

/** One row: `passed` of `files`, with its share. */
export function pushRow(rows: Rows, suite: string, files: number, passed: number): void {
  rows.push({ suite, files, passed, share: files ? `${((100 * passed) / files).toFixed(1)}%` : '-' });
}

/**
 * For each release whose schemas hold `schema`: a row of the files on which
 * `validateXml(…, { profile: 'rng', kind, libvirt })` gives xmllint's verdict;
 * each disagreement, with both messages, goes to `failures`.
 */
export function xmllintRows(
  rows: Rows,
  failures: string[],
  kind: vx.Kind,
  paths: string[],
  schemaDirs: ReadonlyArray<readonly [vx.LibvirtRelease, string]>,
  schema: string,
): void {
  for (const [release, dir] of schemaDirs) {
    if (!existsSync(join(dir, schema))) continue;
    const verdicts = oracleValidate(paths, dir);
    let agree = 0;
    for (const p of paths) {
      const r = vx.validateXml(readFileSync(p, 'utf8'), { profile: 'rng', kind, libvirt: release });
      const v = verdicts.get(p);
      if (r.valid === v?.valid) agree++;
      else {
        const d = r.diagnostics[0];
        failures.push(`${p} (${release}): xmllint ${v?.valid ? 'valid' : `invalid (${v?.message})`}, virtxml ${r.valid ? 'valid' : `invalid (${d?.line}:${d?.column} ${d?.message})`}`);
      }
    }
    pushRow(rows, `${kind}: rng profile = xmllint (libvirt ${release} schemas)`, paths.length, agree);
  }
}

/**
 * A row of the corpus inputs that are a fixed point after one round trip
 * (`-invalid` inputs count when refused); each other file goes to `failures`.
 */
export function fixedPointRow(
  rows: Rows,
  failures: string[],
  kind: string,
  files: ReadonlyArray<readonly [string, string]>,
  read: (dir: string, name: string) => string,
  roundTrip: (xml: string) => string,
  message: (e: unknown) => string,
): void {
  let fixed = 0;
  let rejected = 0;
  for (const [dir, f] of files) {
    try {
      const once = roundTrip(read(dir, f));
      if (roundTrip(once) === once) fixed++;
      else failures.push(`${dir}/${f}: not a fixed point after one round trip`);
    } catch (e) {
      if (f.includes('-invalid')) rejected++;
      else failures.push(`${dir}/${f}: ${message(e)}`);
    }
  }
  pushRow(rows, `${kind}: corpus inputs a fixed point (or, -invalid, rejected: ${rejected})`, files.length, fixed + rejected);
}
