/** Types of ./libvirt-profile.mjs (plain JS so it also runs on the built package). */
export interface Oracle {
  python: string;
  script: string;
  env: Record<string, string | undefined>;
}
export interface ProfileRow {
  folder: string;
  files: number;
  'libvirt accepts': number;
  'virtxml accepts': number;
  agree: number;
  disagree: number;
  [column: string]: unknown;
}
export interface Disagreement {
  file: string;
  category: string;
  libvirt: string;
  virtxml: string;
}
export interface ProfileResult {
  title: string;
  version: number;
  total: number;
  agree: number;
  bothReject: number;
  sameMessage: number;
  /** Files both reject, where virtxml's first error is not libvirt's message. */
  otherMessage: Array<{ file: string; libvirt: string; virtxml: string }>;
  rows: ProfileRow[];
  byCategory: Record<string, number>;
  disagreements: Disagreement[];
}
export const DOMAIN_DIRS: readonly string[];
export const NETWORK_DIRS: readonly string[];
export const DRIVER_ONLY: ReadonlySet<string>;
export function oracleFromEnv(env?: Record<string, string | undefined>): Oracle;
export function oracleVersion(oracle: Oracle): number | undefined;
export function runOracle(oracle: Oracle, files: string[]): Map<string, { ok: boolean; error?: string; crashed?: boolean }>;
export function run(args: { corpus: string; oracle: Oracle; vx: unknown }): ProfileResult;
export const MUTATIONS: Readonly<Record<string, (text: string) => string | null>>;
export interface MutationResult {
  rows: Array<{ mutation: string; files: number; 'libvirt refuses': number; 'virtxml refuses': number; agree: number; [column: string]: unknown }>;
  total: number;
  agree: number;
  disagreements: Disagreement[];
}
export function runMutations(args: { corpus: string; oracle: Oracle; vx: unknown; tmpDir: string }): MutationResult;
