/** Types of ./network.mjs (the network conformance run, plain JS so it runs on the built package). */
export interface ConformanceRow {
  suite: string;
  files: number;
  passed: number;
  [column: string]: unknown;
}
export interface ConformanceResult {
  title: string;
  rows: ConformanceRow[];
  failures: string[];
}
export const INACTIVE: ReadonlySet<string>;
export const REJECTED: Readonly<Record<string, string>>;
export function run(args: { corpus: string; vx: unknown; schemaDirs?: Record<string, string> }): Promise<ConformanceResult>;
