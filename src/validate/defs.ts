/**
 * JSON Schema checks of defs built in code (or read from JSON): is this object
 * a `DomainDef`, `NetworkDef`, `NetworkPortDef` (or the def of any kind in
 * the registry, ../kinds.ts) as the declarations describe it? The schemas
 * (draft 2020-12) are made from the declarations by `toJsonSchema` — here in
 * memory, so the core reads no files; those the registry publishes are in
 * `schemas/*.schema.json`, and a test keeps the committed files equal to them.
 * ajv compiles each schema once, on first use.
 *
 * Names: `checkDomainDef`, `checkNetworkDef`, `checkNetworkPortDef` (and
 * `checkDef(kind, obj)`); `validateNetworkDef` is the define-time network
 * rules of ../network/validate.ts, a different question.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { KIND_NAMES, KINDS, schemaId, type Kind, type KindEntry } from '../kinds.js';
import { resolveDecl, xmlNameOf, type Decl, type ElementDecl, type Field } from '../xml/decl.js';
import { declarationOf } from '../xml/codec.js';
import { toJsonSchema } from '../xml/jsonschema.js';
import type { JsonSchema } from '../xml/values.js';
import type { Diagnostic } from './types.js';

/** A diagnostic of a def check: `path` is element-like, `pointer` the JSON pointer ajv reported. */
export interface DefDiagnostic extends Diagnostic {
  source: 'json-schema';
  /** JSON pointer of the value in the def (ajv's `instancePath`), e.g. `/devices/hostdevs/0/driver/name`. */
  pointer: string;
}

const schemaCache = new Map<Kind, JsonSchema>();

/**
 * The JSON Schema of a kind's def (a fresh deep copy each call; for the kinds
 * the registry publishes, the one written to `schemas/<kind>.schema.json`).
 */
export function defJsonSchema(kind: Kind): JsonSchema {
  let s = schemaCache.get(kind);
  if (!s) {
    const e: KindEntry = KINDS[kind];
    s = toJsonSchema(e.decl, schemaId(kind), `${e.title} (virtxml ${e.defName ?? `KindDef<'${kind}'>`})`);
    e.refineSchema?.(s);
    schemaCache.set(kind, s);
  }
  return structuredClone(s);
}

/** The kinds whose JSON Schema is published in `schemas/`, and each file's path. */
export function schemaFiles(): Array<{ kind: Kind; file: string }> {
  return KIND_NAMES.filter((k) => KINDS[k].schemaFile).map((kind) => ({ kind, file: `schemas/${kind}.schema.json` }));
}

/** The text of `schemas/<kind>.schema.json`: two-space JSON and a final newline. */
export function schemaFileText(kind: Kind): string {
  return JSON.stringify(defJsonSchema(kind), null, 2) + '\n';
}

let ajv: Ajv2020 | undefined;
const validators = new Map<Kind, ValidateFunction>();

function validatorFor(kind: Kind): ValidateFunction {
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
export function checkDef(kind: Kind, obj: unknown): DefDiagnostic[] {
  const validate = validatorFor(kind);
  if (validate(obj)) return [];
  const errors = validate.errors ?? [];
  const at = new Set(errors.map((e) => e.instancePath));
  const root = KINDS[kind].decl;
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

/** A JSON object (not null, not an array). */
function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A property of a JSON value, when it is an object. */
function prop(v: unknown, key: string): unknown {
  return isRecord(v) ? v[key] : undefined;
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
}

function describeError(e: ErrorObject, data: unknown): string {
  const p: Record<string, unknown> = e.params;
  switch (e.keyword) {
    case 'required':
      return `missing required property '${String(p.missingProperty)}'`;
    case 'additionalProperties':
      return `unknown property '${String(p.additionalProperty)}' (content the declarations do not know belongs in $extra)`;
    case 'enum': {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues.map(show) : [];
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
    v = Array.isArray(v) ? v[Number(seg)] : prop(v, seg);
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
      const arr = prop(value, seg);
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
    value = prop(value, seg);
    decl = f.decl;
  }
  return path;
}

function caseFor(decl: Decl, value: unknown): ElementDecl | undefined {
  const d = resolveDecl(decl);
  const obj = isRecord(value) ? value : undefined;
  // a null tag is an unknown case here, not the default one
  const known = obj && (d.kind === 'element' || obj[d.discriminator] !== null) ? declarationOf(decl, obj) : undefined;
  if (known) return known;
  if (d.kind === 'element') return d;
  // an unknown case: the discriminator field is still known
  const any = Object.values(d.cases)[0];
  return any && { ...any, fields: { [d.discriminator]: any.fields[d.discriminator]! } };
}
