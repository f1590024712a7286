/**
 * JSON Schema (draft 2020-12) of the defs a declaration reads and writes.
 * Each element declaration becomes one entry of `$defs`, so shared elements
 * (addresses, drivers) appear once.
 */
import { compile, EXTRA, resolveDecl, type Decl, type ElementDecl } from './decl.js';
import type { JsonSchema } from './values.js';

const EXTRA_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'XML content not described by the declarations, kept and written back.',
  properties: {
    attrs: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, value: { type: 'string' } },
        required: ['name', 'value'],
      },
    },
    nodes: { type: 'array', items: { type: 'object' } },
  },
  additionalProperties: false,
};

const XML_ELEMENT_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'An XML element kept as a tree.',
  properties: { type: { const: 'element' }, name: { type: 'string' }, attributes: { type: 'array' }, children: { type: 'array' } },
  required: ['type', 'name', 'attributes', 'children'],
};

export function toJsonSchema(root: Decl, id: string, title: string): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const names = new Map<Decl, string>();

  const nameFor = (lazyOrDecl: Decl, hint: string): string => {
    const d = resolveDecl(lazyOrDecl);
    let n = names.get(d);
    if (n) return n;
    n = hint;
    for (let i = 2; defs[n] !== undefined || [...names.values()].includes(n); i++) n = `${hint}${i}`;
    names.set(d, n);
    defs[n] = {}; // reserve (recursion)
    defs[n] = d.kind === 'union' ? unionSchema(d, n) : elementSchema(d as ElementDecl, n);
    return n;
  };

  const ref = (d: Decl, hint: string): JsonSchema => ({ $ref: `#/$defs/${nameFor(d, hint)}` });

  function elementSchema(d: ElementDecl, hint: string): JsonSchema {
    const c = compile(d);
    void c;
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [key, f] of Object.entries(d.fields)) {
      let s: JsonSchema;
      switch (f.kind) {
        case 'attr':
        case 'text':
        case 'value':
          s = { ...f.type.schema };
          break;
        case 'flag':
          s = { type: 'boolean' };
          break;
        case 'raw':
          s = XML_ELEMENT_SCHEMA;
          break;
        case 'child':
          s = ref(f.decl, camel(hint, f.decl.name));
          break;
        case 'list':
          s = { type: 'array', items: ref(f.decl, camel(hint, f.decl.name)) };
          break;
      }
      if (f.doc) s = { ...s, description: f.doc };
      properties[key] = s;
      if (f.required && !(f.kind === 'attr' && f.default !== undefined)) required.push(key);
    }
    properties[EXTRA] = EXTRA_SCHEMA;
    const out: JsonSchema = { type: 'object', properties, additionalProperties: false };
    if (required.length) out.required = required;
    if (d.doc) out.description = d.doc;
    return out;
  }

  function unionSchema(d: Extract<Decl, { kind: 'union' }>, hint: string): JsonSchema {
    return {
      ...(d.doc ? { description: d.doc } : {}),
      oneOf: Object.entries(d.cases).map(([k, c]) => ref(c, camel(hint, k))),
    };
  }

  const top = ref(root, root.name);
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: id, title, ...top, $defs: defs };
}

function camel(a: string, b: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''));
  const bb = clean(b);
  return clean(a) + bb.charAt(0).toUpperCase() + bb.slice(1);
}
