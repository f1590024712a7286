/**
 * libvirt 12.9 as the oracle of the differential test: documents are written
 * under the project (the chroot sees the current directory), defined in
 * libvirt's test driver and dumped back (`oracle-roundtrip.py`), and the
 * answers are kept in a cache committed with the repo (they are libvirt's
 * outputs for our own generated inputs: our fixtures), so the conformance run
 * needs neither root nor the chroot.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { TOOLS, oracleLines } from '../oracle.js';

export const ROOT = join(__dirname, '..', '..');
export const CHROOT = process.env.VIRTXML_LIBVIRT_CHROOT ?? '/opt/libvirt-chroot';
export const CHROOT_SCHEMAS = join(CHROOT, 'usr', 'share', 'libvirt', 'schemas');
const CHROOT_SH = join(TOOLS, 'libvirt-chroot.sh');
const ROUNDTRIP = join(TOOLS, 'oracle-roundtrip.py');

export interface Answer {
  ok: boolean;
  /** libvirt's formatted document (ok) or its error message. */
  xml?: string;
  error?: string;
  /**
   * When libvirt refuses its own output `xml` on reading it again, its
   * message (e.g. two VLAN tags of one id both written with nativeMode:
   * "duplicate native vlan setting"): that output is no document libvirt
   * accepts, so the formatter is not held to it.
   */
  outputRefused?: string;
}

/** Asks libvirt about its own outputs again and marks the answers whose output it refuses. */
export function markRefusedOutputs(answers: Answer[], root = ROOT): void {
  const outs = answers.filter((a) => a.ok).map((a) => ({ xml: a.xml! }));
  const again = askLibvirt(outs, root);
  for (const a of answers) {
    if (!a.ok) continue;
    const r = again.get(hashOf(a.xml!));
    if (r && !r.ok) a.outputRefused = r.error ?? '';
  }
}

/** Why the live oracle cannot be asked, or undefined when it can. */
export function liveOracleUnavailable(): string | undefined {
  if (!existsSync(join(CHROOT, '.libvirt-ready'))) return `no libvirt chroot at ${CHROOT} (bash ../shared/tools/libvirt-chroot.sh setup, as root)`;
  if (!existsSync(CHROOT_SH) || !existsSync(ROUNDTRIP)) return `oracle tools not found in ${TOOLS}`;
  if (process.getuid?.() !== 0) return 'the libvirt chroot needs root';
  return undefined;
}

export const hashOf = (xml: string) => createHash('sha1').update(xml).digest('hex').slice(0, 16);

/** Asks libvirt 12.9 about each document (by its text); answers keyed by hash of the text. */
export function askLibvirt(docs: Array<{ xml: string }>, root = ROOT): Map<string, Answer> {
  const out = new Map<string, Answer>();
  const dir = join(root, '.virtxml-tmp', 'differential');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const byFile = new Map<string, string>();
  for (const d of docs) {
    const h = hashOf(d.xml);
    if (byFile.has(h)) continue;
    const f = join(dir, h + '.xml');
    writeFileSync(f, d.xml);
    byFile.set(h, relative(root, f));
  }
  const files = [...byFile.values()];
  const args = (chunk: string[]) => [CHROOT_SH, 'run', CHROOT, '--', 'python3', ROUNDTRIP, '--json', ...chunk];
  for (const line of oracleLines(args, files, 1000, { cwd: root })) {
    const r = JSON.parse(line) as { file: string; ok: boolean; xml?: string; error?: string };
    const h = r.file.replace(/^.*\//, '').replace(/\.xml$/, '');
    out.set(h, r.ok ? { ok: true, xml: r.xml! } : { ok: false, error: r.error ?? '' });
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

export interface CachedCase {
  name: string;
  xml: string;
  answer: Answer;
}

export const CACHE_FILE = join(__dirname, 'libvirt-12.9-answers.json.gz');

export function readCache(file = CACHE_FILE): CachedCase[] {
  if (!existsSync(file)) return [];
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as CachedCase[];
}

export function writeCache(cases: CachedCase[], file = CACHE_FILE): void {
  writeFileSync(file, gzipSync(Buffer.from(JSON.stringify(cases)), { level: 9 }));
}
