/**
 * The one diagnostic format of every `virtxml` command, and what they share
 * about input: `-` for stdin, bytes decoded as libxml2 decodes them.
 *
 *     FILE:LINE:COL: SEVERITY: MESSAGE [CODE] (PATH)
 *
 * The place is left out when it is unknown (`FILE: error: …`), the path when
 * there is none. MESSAGE says what was expected where the check knows it.
 * Every error a command can meet — a VirtXmlError (parse, validate, the
 * allocator, the hostdev manager's HostdevError), a PCI host or topology
 * error, an I/O error on a file the user named — is printed through here;
 * nothing reaches the user as a stack trace.
 */
import { readFileSync } from 'node:fs';
import { PciHostError } from '../pci/host.js';
import { PciTopologyError } from '../pci/topology.js';
import { decodeXmlBytes } from '../xml/encoding.js';
import { VirtXmlError } from '../xml/errors.js';

export type Severity = 'error' | 'warning' | 'info';

/** One problem, as every command prints it. */
export interface CliDiagnostic {
  file: string;
  line?: number | undefined;
  column?: number | undefined;
  severity: Severity;
  message: string;
  code: string;
  path?: string | undefined;
}

/** `file:line:col: severity: message [code] (path)`. */
export function formatDiagnostic(d: CliDiagnostic): string {
  const at = d.line !== undefined && d.line > 0 ? `${d.file}:${d.line}:${d.column ?? 1}` : d.file;
  return `${at}: ${d.severity}: ${d.message} [${d.code}]${d.path ? ` (${d.path})` : ''}`;
}

/** A user error: bad options, an unreadable or missing file. Exit 2, never a stack trace. */
export class UsageError extends Error {}

/**
 * A file given to an option (`--nodedev`, `--domcaps`) that is not what the
 * option takes: its VirtXmlError, printed as a diagnostic of that file (exit 2).
 */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly error: VirtXmlError,
  ) {
    super(`${displayName(file)}: ${error.message}`);
  }
}

/** The short reason of an I/O failure (`ENOENT`), or its message. */
export function ioMessage(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** A UsageError, or parseArgs refusing an option. */
export function isUsageError(e: unknown): e is Error {
  return e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
}

/** Node's own I/O errors (ENOENT, EACCES, …) on a path the user named. */
export function isIoError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** The name stdin goes by in diagnostics. */
export const STDIN = '-';
export const STDIN_NAME = '<stdin>';

/** How a file is named in diagnostics (`-` is `<stdin>`). */
export function displayName(file: string): string {
  return file === STDIN ? STDIN_NAME : file;
}

/** Where `-` is read from: the process's stdin (tests put their own bytes here). */
export const stdin: { read: () => Uint8Array } = { read: () => readFileSync(0) };

let stdinBytes: Uint8Array | undefined;
let stdinReader: (() => Uint8Array) | undefined;

/** A file the user named (or `-`: stdin, read once), as bytes; a UsageError when it cannot be read. */
export function readBytes(file: string): Uint8Array {
  try {
    if (file === STDIN) {
      if (stdinReader !== stdin.read) (stdinReader = stdin.read), (stdinBytes = undefined);
      return (stdinBytes ??= stdin.read());
    }
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${displayName(file)}: ${ioMessage(e)}`);
  }
}

/**
 * A file the user named, as text: its bytes decoded as libxml2 does (a
 * VirtXmlError `xml-encoding` with a place when they are not valid in their
 * encoding); a UsageError when it cannot be read.
 */
export function readInput(file: string): string {
  return decodeXmlBytes(readBytes(file)).text;
}

/** Plain UTF-8 text (JSON): strictly decoded, as XML is. */
export function readText(file: string): string {
  const bytes = readBytes(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeXmlBytes(bytes).text; // the same check, for its message and place
  }
}

/** `1 file`, `2 files`. */
export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The diagnostic an error stands for, or undefined for an error that is not the user's (a bug). */
export function diagnosticOf(file: string | undefined, e: unknown): CliDiagnostic | undefined {
  if (e instanceof InputFileError) return diagnosticOf(e.file, e.error);
  const name = file === undefined ? 'virtxml' : displayName(file);
  if (e instanceof VirtXmlError) {
    const reason = (e as { reason?: unknown }).reason;
    return {
      file: name,
      line: e.line,
      column: e.column,
      severity: 'error',
      message: e.detail,
      code: typeof reason === 'string' ? reason : e.code,
      path: e.path,
    };
  }
  if (e instanceof PciHostError) return { file: name, severity: 'error', message: e.message, code: e.code };
  if (e instanceof PciTopologyError) return { file: name, severity: 'error', message: e.message, code: 'pci-topology' };
  return undefined;
}

/** Prints an error as a diagnostic on stderr; false when it is not one (the caller rethrows it). */
export function printError(file: string | undefined, e: unknown): boolean {
  const d = diagnosticOf(file, e);
  if (!d) return false;
  process.stderr.write(formatDiagnostic(d) + '\n');
  return true;
}
