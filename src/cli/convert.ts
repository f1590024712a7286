/**
 * `virtxml convert`: XML to the JSON of the typed def, and JSON back to
 * libvirt's canonical XML. JSON input is checked against the def's JSON
 * Schema first (checkDef), and the XML written is read back, so libvirt's
 * parse-time rules apply to it too. Exit codes: 0 converted, 1 the input is
 * not a valid def (diagnostics on stderr), 2 usage or I/O error.
 */
import { isUsageError, readInput, UsageError } from './usage.js';
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
  --kind K    domain, domstatus, network, networkport, or a device (disk, interface, hostdev, ...).
              XML: taken from the root element (if given, the root must be it). JSON: taken from
              the "$schema" property that --to json writes (if given, it must agree); required
              when the JSON has none
  --status             (--to xml) status XML: keep <actual>, <origstates>
  --inactive           (--to xml) inactive XML: no live-only data
  --strip-extensions   (--to xml) leave out virtxml's extensions (group='auto')
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
  const at = e.line !== undefined ? `${file}:${e.line}:${e.column}` : file;
  return `${at}: error: ${e.detail} [${e.code}]${e.path ? ` (${e.path})` : ''}`;
}

function describeDefDiagnostic(file: string, d: DefDiagnostic): string {
  return `${file}: ${d.severity}: ${d.message} [${d.code}] (${d.path}) at JSON pointer '${d.pointer}'`;
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
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Refused([`${file}: error: invalid JSON: ${(e as Error).message} [json-syntax]`]);
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
    if (e instanceof VirtXmlError) throw new Refused([`${file}: error: ${e.detail} [${e.code}]`]);
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
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give one FILE' : 'no FILE given');
    const file = positionals[0]!;
    const text = readInput(file);
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
