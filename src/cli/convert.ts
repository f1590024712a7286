/**
 * `virtxml convert`: XML to the JSON of the typed def, and JSON back to
 * libvirt's canonical XML. JSON input is checked against the def's JSON
 * Schema first (checkDef), and the XML written is read back, so libvirt's
 * parse-time rules apply to it too. Exit codes: 0 converted, 1 the input is
 * not a valid def (diagnostics on stderr), 2 usage or I/O error.
 */
import { isUsageError, readInput, UsageError } from './usage.js';
import { parseArgs } from 'node:util';
import { domain } from '../domain/domain.js';
import { formatDomainXml, parseDomainXml } from '../domain/index.js';
import { networkDef } from '../network/network.js';
import { formatNetworkPortXml, formatNetworkXml, parseNetworkPortXml, parseNetworkXml } from '../network/index.js';
import { networkPort } from '../network/port.js';
import { checkDef, DEF_SCHEMAS, type DefDiagnostic } from '../validate/defs.js';
import type { SchemaKind as DocumentKind } from '../validate/defs.js';
import { capabilitiesDef } from '../capabilities/capabilities.js';
import { formatCapabilitiesXml, parseCapabilitiesXml } from '../capabilities/index.js';
import { domainCapabilitiesDef } from '../domaincaps/domaincaps.js';
import { formatDomainCapabilitiesXml, parseDomainCapabilitiesXml } from '../domaincaps/index.js';
import { nodeDeviceDef } from '../nodedev/device.js';
import { formatNodeDeviceXml, parseNodeDeviceXml } from '../nodedev/index.js';
import { declarationOf } from '../xml/codec.js';
import { EXTRA, type Decl } from '../xml/decl.js';
import { VirtXmlError } from '../xml/errors.js';
import { readXml } from '../xml/reader.js';

export const CONVERT_HELP = `Usage: virtxml convert --to json|xml [--kind KIND] [options] FILE

  --to json   reads XML and prints the typed def as JSON (two-space indent, keys in the
              declarations' order, which is libvirt's, so the same def always prints the same)
  --to xml    reads a def as JSON, checks it against its JSON Schema (schemas/KIND.schema.json),
              prints libvirt's canonical XML, and reads that back with libvirt's parse-time rules
  --kind K    domain, network, networkport, nodedev, capabilities or domainCapabilities.
              XML: taken from the root element (if given, the
              root must be it). JSON: required, unless the JSON has a "$schema" property naming
              one of virtxml's schemas (https://virtxml.dev/schemas/KIND.schema.json), which is
              then dropped
  --status             (--to xml) status XML: keep <actual>, <origstates>
  --inactive           (--to xml) inactive XML: no live-only data
  --strip-extensions   (--to xml) leave out virtxml's extensions (group='auto')
Exit status: 0 converted, 1 the input is not a valid def (diagnostics on stderr), 2 usage or I/O error.`;

const DOC_KINDS = Object.keys(DEF_SCHEMAS) as DocumentKind[];
const ROOTS: Record<DocumentKind, Decl> = {
  domain,
  network: networkDef,
  networkport: networkPort,
  nodedev: nodeDeviceDef,
  capabilities: capabilitiesDef,
  domainCapabilities: domainCapabilitiesDef,
};

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

function parseXmlOf(kind: DocumentKind, text: string, file: string): unknown {
  switch (kind) {
    case 'domain':
      return parseDomainXml(text, { file });
    case 'network':
      return parseNetworkXml(text, { file });
    case 'networkport':
      return parseNetworkPortXml(text, { file });
    case 'nodedev':
      return parseNodeDeviceXml(text, { file });
    case 'capabilities':
      return parseCapabilitiesXml(text, { file });
    case 'domainCapabilities':
      return parseDomainCapabilitiesXml(text, { file });
  }
}

function formatXmlOf(kind: DocumentKind, value: unknown, options: ToXmlOptions): string {
  switch (kind) {
    case 'domain':
      return formatDomainXml(value as Parameters<typeof formatDomainXml>[0], options);
    case 'network':
      return formatNetworkXml(value as Parameters<typeof formatNetworkXml>[0], options);
    case 'networkport':
      return formatNetworkPortXml(value as Parameters<typeof formatNetworkPortXml>[0], { stripExtensions: options.stripExtensions ?? false });
    case 'nodedev':
      return formatNodeDeviceXml(value as Parameters<typeof formatNodeDeviceXml>[0], { inactive: options.inactive ?? false });
    case 'capabilities':
      return formatCapabilitiesXml(value as Parameters<typeof formatCapabilitiesXml>[0]);
    case 'domainCapabilities':
      return formatDomainCapabilitiesXml(value as Parameters<typeof formatDomainCapabilitiesXml>[0]);
  }
}

/** XML → the def's JSON text. */
export function xmlToJson(text: string, file: string, kind?: DocumentKind): string {
  try {
    const doc = readXml(text, { file });
    const root = doc.root.name;
    const k = kind ?? (DOC_KINDS as string[]).find((x) => ROOTS[x as DocumentKind].name === root);
    if (k === undefined) {
      const p = doc.source.elementPlace(doc.root);
      throw new VirtXmlError('xml-root', `unknown root element <${root}>: expected <domain>, <network>, <networkport>, <device>, <capabilities> or <domainCapabilities>`, { ...p, path: '/' + root });
    }
    return JSON.stringify(orderDef(ROOTS[k as DocumentKind], parseXmlOf(k as DocumentKind, text, file)), null, 2) + '\n';
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
export function jsonToXml(text: string, file: string, kind: DocumentKind | undefined, options: ToXmlOptions = {}): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Refused([`${file}: error: invalid JSON: ${(e as Error).message} [json-syntax]`]);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$schema' in value) {
    const { $schema, ...rest } = value as Record<string, unknown>;
    const named = DOC_KINDS.find((k) => DEF_SCHEMAS[k].id === $schema);
    if (named === undefined) throw new UsageError(`${file}: "$schema" ${JSON.stringify($schema)} is not one of virtxml's schemas (${DOC_KINDS.map((k) => DEF_SCHEMAS[k].id).join(', ')})`);
    if (kind !== undefined && kind !== named) throw new UsageError(`${file}: --kind ${kind} but "$schema" names the ${named} schema`);
    kind = named;
    value = rest;
  }
  if (kind === undefined) throw new UsageError(`${file}: give --kind for JSON input (or a "$schema" property naming virtxml's schema)`);
  const problems = checkDef(kind, value);
  if (problems.length) throw new Refused(problems.map((d) => describeDefDiagnostic(file, d)));
  let xml: string;
  try {
    xml = formatXmlOf(kind, value, options);
  } catch (e) {
    if (e instanceof VirtXmlError) throw new Refused([`${file}: error: ${e.detail} [${e.code}]`]);
    throw e;
  }
  // libvirt's parse-time rules (which no JSON Schema states) apply to the XML written
  try {
    parseXmlOf(kind, xml, `${file} (as XML)`);
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
    if (values.kind !== undefined && !(DOC_KINDS as string[]).includes(values.kind)) {
      throw new UsageError(`unknown kind '${values.kind}' (${DOC_KINDS.join(', ')})`);
    }
    if (values.to === 'json' && (values.status || values.inactive || values['strip-extensions'])) {
      throw new UsageError('--status, --inactive and --strip-extensions apply to --to xml');
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give one FILE' : 'no FILE given');
    const file = positionals[0]!;
    const text = readInput(file);
    const kind = values.kind as DocumentKind | undefined;
    const out =
      values.to === 'json'
        ? xmlToJson(text, file, kind)
        : jsonToXml(text, file, kind, { status: !!values.status, inactive: !!values.inactive, stripExtensions: !!values['strip-extensions'] });
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
