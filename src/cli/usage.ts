/**
 * What every `virtxml` command shares about user errors: they are
 * UsageErrors (or node:util parseArgs' own), reported on stderr with exit 2
 * and never a stack trace.
 */
import { readFileSync } from 'node:fs';

export class UsageError extends Error {}

/** The short reason of an I/O failure (`ENOENT`), or its message. */
export function ioMessage(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** A file the user named, as text; a UsageError when it cannot be read. */
export function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${ioMessage(e)}`);
  }
}

/** A UsageError, or parseArgs refusing an option. */
export function isUsageError(e: unknown): e is Error {
  return e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
}
