/**
 * `virtxml convert`: XML to the JSON of the typed def, and JSON back to
 * libvirt's canonical XML. JSON input is checked against the def's JSON
 * Schema first (checkDef), and the XML written is read back, so libvirt's
 * parse-time rules apply to it too. Exit codes: 0 converted, 1 the input is
 * not a valid def (diagnostics on stderr), 2 usage or I/O error.
 */
import { documentKinds, wrap } from './kinds-help.js';
import { displayName, formatDiagnostic, isUsageError, readInput, readText, UsageError } from './diagnostics.js';
import { parseArgs } from 'node:util';
import { formatXml, isKind, KIND_NAMES, KINDS, kindOf, kindOfSchemaId, defOf, schemaId, type AnyDocument, type Kind } from '../kinds.js';
import { checkDef, type DefDiagnostic } from '../validate/defs.js';
import { declarationOf } from '../xml/codec.js';
import { EXTRA, type Decl } from '../xml/decl.js';
import { VirtXmlError } from '../xml/errors.js';
import { readXml } from '../xml/reader.js';

export const CONVERT_HELP = `Usage: virtxml convert --to json|xml [--kind KIND] [options] FILE

  --to json   reads XML and prints the typed def as JSON (two-space indent, keys in the
              declarations' order, which is libvirt's, so the same def always prints the same),
              with a "$schema" property first naming its kind's JSON Schema
              (https://virtxml.dev/schemas/KIND.schema.json)
  --to xml    reads a def as JSON, checks it against its kind's JSON Schema, prints libvirt's
              canonical XML, and reads that back with libvirt's parse-time rules
  --kind K    ${wrap(`${documentKinds()}, or a device (disk, interface, hostdev, ...).`, 96, '              ')}
              XML: taken from the root element (if given, the root must be it). JSON: taken from
              the "$schema" property that --to json writes (if given, it must agree); required
              when the JSON has none
  --status             (--to xml) status XML: keep <actual>, <origstates>
  --inactive           (--to xml) inactive XML: no live-only data
  --strip-extensions   (--to xml) leave out virtxml's extensions (group='auto')
FILE may be '-' for stdin. JSON nesting deeper than 256 levels is refused.
Exit status: 0 converted, 1 the input is not a valid def (diagnostics on stderr), 2 usage or I/O error.`;

/** The converter said no: diagnostics for stderr, exit 1. */
class Refused extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/**
 * A copy of a def with its keys in declaration order (libvirt's order),
 * unknown keys and `$extra` after them, so the JSON does not depend on the
 * attribute order of the XML it came from.
 */
export function orderDef(decl: Decl, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  const d = declarationOf(decl, v);
  if (!d) return value;
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(d.fields)) {
    if (!(key in v) || v[key] === undefined) continue;
    const x = v[key];
    if (f.kind === 'child') out[key] = orderDef(f.decl, x);
    else if (f.kind === 'list' && Array.isArray(x)) out[key] = x.map((item) => orderDef(f.decl, item));
    else out[key] = x;
  }
  for (const key of Object.keys(v)) if (!(key in out) && key !== EXTRA && v[key] !== undefined) out[key] = v[key];
  if (v[EXTRA] !== undefined) out[EXTRA] = v[EXTRA];
  return out;
}

function describeXmlError(file: string, e: VirtXmlError): string {
  return formatDiagnostic({ file, line: e.line, column: e.column, severity: 'error', message: e.detail, code: e.code, path: e.path });
}

function describeDefDiagnostic(file: string, d: DefDiagnostic): string {
  return formatDiagnostic({ file, severity: d.severity, message: `${d.message} (at JSON pointer '${d.pointer}')`, code: d.code, path: d.path });
}

/** JSON nesting deeper than this is refused before it is parsed (a def nests a few dozen levels). */
export const MAX_JSON_DEPTH = 256;

/**
 * The line and column where JSON text first nests deeper than `max` arrays
 * and objects, or undefined: one pass over the text, no recursion, so
 * nesting that would overflow the stack of a recursive walk is an error with
 * a place, not a crash.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): { line: number; column: number } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return { line, column: i - lineStart + 1 };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** Reads XML of `kind` (or of the kind its root names) into its kind and def. */
function readDef(text: string, file: string, kind?: Kind): { kind: Kind; def: unknown } {
  const doc = readXml(text, { file });
  const k = kindOf(doc, kind);
  return { kind: k, def: defOf(doc, k) };
}

/** XML → the def's JSON text, `$schema` first (the kind, for the way back). */
export function xmlToJson(text: string, file: string, kind?: Kind): string {
  try {
    const { kind: k, def } = readDef(text, file, kind);
    const ordered = orderDef(KINDS[k].decl, def);
    return JSON.stringify({ $schema: schemaId(k), ...(ordered as object) }, null, 2) + '\n';
  } catch (e) {
    if (e instanceof VirtXmlError) throw new Refused([describeXmlError(file, e)]);
    throw e;
  }
}

export interface ToXmlOptions {
  status?: boolean;
  inactive?: boolean;
  stripExtensions?: boolean;
}

/** A def's JSON text → libvirt's canonical XML. */
export function jsonToXml(text: string, file: string, kind: Kind | undefined, options: ToXmlOptions = {}): string {
  let value: unknown;
  const deep = jsonTooDeep(text);
  if (deep) {
    throw new Refused([
      formatDiagnostic({ file, ...deep, severity: 'error', message: `JSON nests deeper than ${MAX_JSON_DEPTH} arrays and objects: expected a def (a few dozen levels)`, code: 'json-too-deep' }),
    ]);
  }
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Refused([formatDiagnostic({ file, severity: 'error', message: `invalid JSON: ${(e as Error).message}`, code: 'json-syntax' })]);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$schema' in value) {
    const { $schema, ...rest } = value as Record<string, unknown>;
    const named = kindOfSchemaId($schema);
    if (named === undefined) throw new UsageError(`${file}: "$schema" ${JSON.stringify($schema)} is not one of virtxml's schemas (${schemaId('domain').replace('domain', 'KIND')})`);
    if (kind !== undefined && kind !== named) throw new UsageError(`${file}: --kind ${kind} but "$schema" names the ${named} schema`);
    kind = named;
    value = rest;
  }
  if (kind === undefined) throw new UsageError(`${file}: give --kind for JSON input (or a "$schema" property naming virtxml's schema)`);
  const problems = checkDef(kind, value);
  if (problems.length) throw new Refused(problems.map((d) => describeDefDiagnostic(file, d)));
  let xml: string;
  try {
    // checkDef said it is a def of this kind
    xml = formatXml({ kind, def: value } as AnyDocument, options);
  } catch (e) {
    if (e instanceof VirtXmlError) throw new Refused([describeXmlError(file, e)]);
    throw e;
  }
  // libvirt's parse-time rules (which no JSON Schema states) apply to the XML written
  try {
    readDef(xml, `${file} (as XML)`, kind);
  } catch (e) {
    if (e instanceof VirtXmlError) {
      throw new Refused([`${describeXmlError(`${file} (as XML)`, e)}: the XML written from this def is refused when read back`]);
    }
    throw e;
  }
  return xml;
}

export function cmdConvert(args: string[]): number {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        to: { type: 'string' },
        kind: { type: 'string' },
        status: { type: 'boolean' },
        inactive: { type: 'boolean' },
        'strip-extensions': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return process.stdout.write(CONVERT_HELP + '\n'), 0;
    if (values.to !== 'json' && values.to !== 'xml') {
      throw new UsageError(values.to === undefined ? 'give --to json or --to xml' : `unknown --to '${values.to}' (json or xml)`);
    }
    if (values.kind !== undefined && !isKind(values.kind)) {
      throw new UsageError(`unknown kind '${values.kind}' (${KIND_NAMES.join(', ')})`);
    }
    if (values.to === 'json' && (values.status || values.inactive || values['strip-extensions'])) {
      throw new UsageError('--status, --inactive and --strip-extensions apply to --to xml');
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `give one FILE (got ${positionals.length})` : 'no FILE given (a file, or - for stdin)');
    const file = displayName(positionals[0]!);
    let text: string;
    try {
      text = values.to === 'json' ? readInput(positionals[0]!) : readText(positionals[0]!);
    } catch (e) {
      if (e instanceof VirtXmlError) throw new Refused([describeXmlError(file, e)]);
      throw e;
    }
    const kind = values.kind as Kind | undefined;
    const out =
      values.to === 'json'
        ? xmlToJson(text, file, kind)
        : jsonToXml(text, file, kind, { status: values.status, inactive: values.inactive, stripExtensions: values['strip-extensions'] });
    process.stdout.write(out);
    return 0;
  } catch (e) {
    if (e instanceof Refused) {
      process.stderr.write(e.lines.join('\n') + '\n');
      return 1;
    }
    if (isUsageError(e)) {
      process.stderr.write(`virtxml convert: ${(e as Error).message}\nRun 'virtxml convert --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
}
