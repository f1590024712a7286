/**
 * JSON Schema checks of defs built in code (or read from JSON): is this object
 * a `DomainDef`, `NetworkDef` or `NetworkPortDef` as the declarations
 * describe it? The schemas are the ones in `schemas/*.schema.json` (draft
 * 2020-12), made from the declarations by `toJsonSchema` — here in memory, so
 * the core reads no files; a test keeps the committed files equal to them.
 * ajv compiles each schema once, on first use.
 *
 * Names: `checkDomainDef`, `checkNetworkDef`, `checkNetworkPortDef` (and
 * `checkDef(kind, obj)`); `validateNetworkDef` is the define-time network
 * rules of ../network/validate.ts, a different question.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { domain } from '../domain/domain.js';
import { networkDef } from '../network/network.js';
import { networkPort } from '../network/port.js';
import { resolveDecl, xmlNameOf, type Decl, type ElementDecl, type Field } from '../xml/decl.js';
import { declarationOf } from '../xml/codec.js';
import { toJsonSchema } from '../xml/jsonschema.js';
import type { JsonSchema } from '../xml/values.js';
import type { Diagnostic, DocumentKind, HostKind } from './types.js';
import { nodeDeviceDef } from '../nodedev/device.js';
import { capabilitiesDef } from '../capabilities/capabilities.js';
import { domainCapabilitiesDef } from '../domaincaps/domaincaps.js';

/** Kinds with a def JSON Schema: the documents and the host's documents. */
export type SchemaKind = DocumentKind | HostKind;

/** A diagnostic of a def check: `path` is element-like, `pointer` the JSON pointer ajv reported. */
export interface DefDiagnostic extends Diagnostic {
  source: 'json-schema';
  /** JSON pointer of the value in the def (ajv's `instancePath`), e.g. `/devices/hostdevs/0/driver/name`. */
  pointer: string;
}

interface DefSchemaInfo {
  decl: Decl;
  id: string;
  title: string;
  /** Where `npm run gen:schemas` writes it. */
  file: string;
}

/** The schemas published in `schemas/`, one per document kind. */
export const DEF_SCHEMAS: Readonly<Record<SchemaKind, DefSchemaInfo>> = {
  domain: { decl: domain, id: 'https://virtxml.dev/schemas/domain.schema.json', title: 'libvirt domain (virtxml DomainDef)', file: 'schemas/domain.schema.json' },
  network: { decl: networkDef, id: 'https://virtxml.dev/schemas/network.schema.json', title: 'libvirt network (virtxml NetworkDef)', file: 'schemas/network.schema.json' },
  networkport: {
    decl: networkPort,
    id: 'https://virtxml.dev/schemas/networkport.schema.json',
    title: 'libvirt network port (virtxml NetworkPortDef)',
    file: 'schemas/networkport.schema.json',
  },
  nodedev: { decl: nodeDeviceDef, id: 'https://virtxml.dev/schemas/nodedev.schema.json', title: 'libvirt node device (virtxml NodeDeviceDef)', file: 'schemas/nodedev.schema.json' },
  capabilities: {
    decl: capabilitiesDef,
    id: 'https://virtxml.dev/schemas/capabilities.schema.json',
    title: 'libvirt host capabilities (virtxml CapabilitiesDef)',
    file: 'schemas/capabilities.schema.json',
  },
  domainCapabilities: {
    decl: domainCapabilitiesDef,
    id: 'https://virtxml.dev/schemas/domainCapabilities.schema.json',
    title: 'libvirt domain capabilities (virtxml DomainCapabilitiesDef)',
    file: 'schemas/domainCapabilities.schema.json',
  },
};

const schemaCache = new Map<SchemaKind, JsonSchema>();

/**
 * The JSON Schema of a kind's def (a fresh deep copy each call; the one
 * written to `schemas/<kind>.schema.json`).
 */
export function defJsonSchema(kind: SchemaKind): JsonSchema {
  let s = schemaCache.get(kind);
  if (!s) {
    const info = DEF_SCHEMAS[kind];
    s = toJsonSchema(info.decl, info.id, info.title);
    if (kind === 'networkport') narrowPortSchema(s);
    schemaCache.set(kind, s);
  }
  return structuredClone(s);
}

/**
 * `NetworkPortDef` narrows `Infer<typeof networkPort>` to what the parser
 * guarantees (libvirt's required uuid, owner name and uuid, mac; a `plug` of
 * type 'none' is dropped): the schema says the same.
 */
function narrowPortSchema(s: JsonSchema): void {
  const defs = s.$defs as Record<string, JsonSchema>;
  const refName = (ref: unknown): string => String((ref as { $ref: string }).$ref).slice('#/$defs/'.length);
  const target = (ref: unknown): JsonSchema => defs[refName(ref)]!;
  const top = target(s);
  const props = top.properties as Record<string, JsonSchema>;
  top.required = [...new Set([...((top.required as string[] | undefined) ?? []), 'uuid', 'owner', 'mac'])];
  const owner = target(props.owner);
  owner.required = [...new Set([...((owner.required as string[] | undefined) ?? []), 'name', 'uuid'])];
  const plugName = refName(props.plug);
  const plug = defs[plugName]!;
  // the 'none' case is read without its attribute: the union is if/then/else; keep the tagged part
  const tagged = (plug.then ?? plug) as JsonSchema;
  if (plug.else) delete defs[refName(plug.else)];
  tagged.oneOf = (tagged.oneOf as JsonSchema[]).filter((c) => (target(c).properties as Record<string, JsonSchema>).type?.const !== 'none');
  const tag = (tagged.properties as Record<string, JsonSchema>).type!;
  tag.enum = (tag.enum as string[]).filter((v) => v !== 'none');
  defs[plugName] = { ...(plug.description !== undefined ? { description: plug.description } : {}), ...tagged };
  pruneDefs(s);
}

/** Removes the `$defs` entries nothing refers to any more. */
function pruneDefs(s: JsonSchema): void {
  const defs = s.$defs as Record<string, JsonSchema>;
  const reached = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$defs') continue;
        if (k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')) {
          const n = x.slice('#/$defs/'.length);
          if (!reached.has(n)) {
            reached.add(n);
            walk(defs[n]);
          }
        } else walk(x);
      }
    }
  };
  walk(s);
  for (const n of Object.keys(defs)) if (!reached.has(n)) delete defs[n];
}

/** The text of `schemas/<kind>.schema.json`: two-space JSON and a final newline. */
export function schemaFileText(kind: SchemaKind): string {
  return JSON.stringify(defJsonSchema(kind), null, 2) + '\n';
}

let ajv: Ajv2020 | undefined;
const validators = new Map<SchemaKind, ValidateFunction>();

function validatorFor(kind: SchemaKind): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    // strict mode is checked once, by test/json-schemas.test.ts; here it would triple the compile time
    // ajv's code optimiser and ref inlining cost 1.7× the compile time of the 660-def domain schema
    // for ~5% faster checks (measured: 594 → 357 ms compile, 20 → 21 µs a corpus def)
    ajv ??= new Ajv2020({ strict: false, discriminator: true, allErrors: true, code: { optimize: false }, inlineRefs: false });
    v = ajv.compile(defJsonSchema(kind));
    validators.set(kind, v);
  }
  return v;
}

/** Checks a def of `kind` against its JSON Schema; no diagnostics means it is one. */
export function checkDef(kind: SchemaKind, obj: unknown): DefDiagnostic[] {
  const validate = validatorFor(kind);
  if (validate(obj)) return [];
  const errors = validate.errors ?? [];
  const at = new Set(errors.map((e) => e.instancePath));
  const root = DEF_SCHEMAS[kind].decl;
  const out: DefDiagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // ajv's discriminator reports an unknown tag once more; the enum error on the tag says it
    if (e.keyword === 'discriminator' && at.has(`${e.instancePath}/${String(e.params.tag)}`)) continue;
    // every case's error is also reported as "must match exactly one schema" on the union
    if (e.keyword === 'oneOf' && errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath))) continue;
    const extraKey = e.keyword === 'required' ? String(e.params.missingProperty) : e.keyword === 'additionalProperties' ? String(e.params.additionalProperty) : undefined;
    const key = `${e.instancePath} ${e.keyword} ${extraKey ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      severity: 'error',
      code: `json-schema-${e.keyword}`,
      message: describeError(e, valueAt(obj, e.instancePath)),
      line: 0,
      column: 0,
      path: pointerToElementPath(root, obj, e.instancePath, extraKey),
      pointer: e.instancePath,
      source: 'json-schema',
    });
  }
  return out;
}

/** Checks that `obj` is a `DomainDef` (the JSON Schema of the `<domain>` declaration). */
export function checkDomainDef(obj: unknown): DefDiagnostic[] {
  return checkDef('domain', obj);
}

/** Checks that `obj` is a `NetworkDef` (for libvirt's define-time rules, see `validateNetworkDef`). */
export function checkNetworkDef(obj: unknown): DefDiagnostic[] {
  return checkDef('network', obj);
}

/** Checks that `obj` is a `NetworkPortDef`. */
export function checkNetworkPortDef(obj: unknown): DefDiagnostic[] {
  return checkDef('networkport', obj);
}

// ---------------------------------------------------------------- messages and places

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
}

function describeError(e: ErrorObject, data: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required property '${String(p.missingProperty)}'`;
    case 'additionalProperties':
      return `unknown property '${String(p.additionalProperty)}' (content the declarations do not know belongs in $extra)`;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(show);
      const list = allowed.length > 12 ? allowed.slice(0, 12).join(', ') + `, … (${allowed.length} values)` : allowed.join(', ');
      return `${show(data)} is not one of ${list}`;
    }
    case 'const':
      return `${show(data)} must be ${show(p.allowedValue)}`;
    case 'type':
      return `must be ${String(p.type)}, not ${typeOf(data)}`;
    case 'discriminator':
      return `unknown ${String(p.tag)} ${show(p.tagValue)}`;
    default:
      return `${show(data)} ${e.message ?? 'is invalid'}`;
  }
}

/** The value a JSON pointer names in `obj`. */
function valueAt(obj: unknown, pointer: string): unknown {
  let v = obj;
  if (pointer === '') return v;
  for (const seg of pointer.slice(1).split('/').map(unescapePointer)) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The element path of a JSON pointer into a def, walking the declaration
 * beside the value: `/devices/hostdevs/1/driver/groupMgmt` of a domain is
 * `/domain/devices/hostdev[2]/driver/@group` (indexes as in parse errors:
 * only when there are several). `key` is a property named by the error
 * (missing or unknown) under the pointer.
 */
export function pointerToElementPath(root: Decl, obj: unknown, pointer: string, key?: string): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
  if (key !== undefined) segments.push(key);
  let decl: Decl | undefined = root;
  let value: unknown = obj;
  let path = '/' + root.name;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const d: ElementDecl | undefined = decl ? caseFor(decl, value) : undefined;
    const f: Field | undefined = d?.fields[seg];
    if (!d || !f) {
      // $extra, unknown properties, or below a value: the rest as JSON keys
      path += '/' + segments.slice(i).join('/');
      break;
    }
    const xml = xmlNameOf(seg, f);
    if (f.kind === 'attr') {
      path += '/@' + xml;
      if (i + 1 < segments.length) path += '/' + segments.slice(i + 1).join('/');
      break;
    }
    if (f.kind === 'text') {
      path += '/text()';
      break;
    }
    if (f.kind === 'list') {
      const arr = (value as Record<string, unknown> | undefined)?.[seg];
      path += '/' + xml;
      const idx = segments[i + 1];
      if (idx === undefined) break;
      const n = Number(idx);
      if (Array.isArray(arr) && arr.length > 1 && Number.isInteger(n)) path += `[${n + 1}]`;
      value = Array.isArray(arr) ? arr[n] : undefined;
      decl = f.decl;
      i++;
      continue;
    }
    path += '/' + xml;
    if (f.kind !== 'child') {
      if (i + 1 < segments.length) path += '/' + segments.slice(i + 1).join('/');
      break;
    }
    value = (value as Record<string, unknown> | undefined)?.[seg];
    decl = f.decl;
  }
  return path;
}

function caseFor(decl: Decl, value: unknown): ElementDecl | undefined {
  const d = resolveDecl(decl);
  const obj = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  // a null tag is an unknown case here, not the default one
  const known = obj && (d.kind === 'element' || obj[d.discriminator] !== null) ? declarationOf(decl, obj) : undefined;
  if (known || d.kind === 'element') return known ?? (d as ElementDecl);
  // an unknown case: the discriminator field is still known
  const any = Object.values(d.cases)[0];
  return any && { ...any, fields: { [d.discriminator]: any.fields[d.discriminator]! } };
}
