/**
 * libvirt's own verdicts, from ../shared/tools: `oracle-validate.sh` (xmllint
 * with libvirt 10.7's RelaxNG schemas, as virt-xml-validate decides).
 * Absent tools or corpus → `undefined`, and the callers skip with a message.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from './corpus.js';

export const TOOLS = process.env.VIRTXML_TOOLS ?? join(__dirname, '..', '..', 'shared', 'tools');
export const ORACLE_VALIDATE = join(TOOLS, 'oracle-validate.sh');

export function haveXmllint(): boolean {
  return spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function oracleValidateAvailable(): string | undefined {
  if (!existsSync(ORACLE_VALIDATE)) return `oracle not found at ${ORACLE_VALIDATE}`;
  if (!haveXmllint()) return 'xmllint not installed (apt-get install libxml2-utils)';
  if (!existsSync(join(CORPUS, 'schemas', 'domain.rng'))) return `no schemas in ${CORPUS}/schemas`;
  return undefined;
}

export interface OracleVerdict {
  valid: boolean;
  message: string;
}

/**
 * Runs an oracle script over `files` in chunks (to keep the command line within limits) and
 * returns its output lines. Exit 1 means "some files refused": the output is still complete.
 */
export function oracleLines(args: (chunk: string[]) => string[], files: string[], chunkSize: number, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string[] {
  const lines: string[] = [];
  for (let i = 0; i < files.length; i += chunkSize) {
    let text: string;
    try {
      text = execFileSync('bash', args(files.slice(i, i + chunkSize)), { ...options, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    } catch (e) {
      const err = e as { status?: number; stdout?: string };
      if (err.status !== 1 || typeof err.stdout !== 'string') throw e;
      text = err.stdout;
    }
    for (const line of text.split('\n')) if (line) lines.push(line);
  }
  return lines;
}

/** Verdicts of xmllint + a release's schemas (default: libvirt 10.7's, beside the corpus) for `files` (absolute paths), in one batch. */
export function oracleValidate(files: string[], schemaDir = join(CORPUS, 'schemas')): Map<string, OracleVerdict> {
  const out = new Map<string, OracleVerdict>();
  const env = { ...process.env, ORACLE_SCHEMA_DIR: schemaDir };
  for (const line of oracleLines((chunk) => [ORACLE_VALIDATE, ...chunk], files, 2000, { env })) {
    const [path, verdict, message = ''] = line.split('\t');
    out.set(path!, { valid: verdict === 'valid', message });
  }
  return out;
}
