/**
 * JSON Schema (draft 2020-12) of the defs a declaration reads and writes,
 * matching the TypeScript type `Infer<typeof decl>` exactly:
 *
 * - every element declaration is one entry of `$defs` (shared and recursive
 *   elements appear once; structurally identical entries are merged);
 * - required fields are `required` (attributes with a default too: they are
 *   always present after reading, and `Infer` makes them required);
 * - `additionalProperties: false`, with the lossless `$extra` slot (unknown
 *   attributes and nodes) allowed on every element;
 * - tagged unions are `oneOf` over the cases, each fixing its discriminator
 *   with `const`, plus the OpenAPI `discriminator` keyword (ajv's
 *   `discriminator: true` option uses it to report errors of the right case
 *   only; other validators ignore it as an annotation); a union whose default
 *   case is read without the attribute and without a default value (a
 *   chain-ending `<backingStore/>`) takes the default case, untagged, when the
 *   discriminator is absent (`if`/`then`/`else`);
 * - raw XML (`<metadata>`, unknown nodes) is the XML tree of ./tree.ts.
 */
import { EXTRA, resolveDecl, type AttrField, type Decl, type ElementDecl, type Field, type UnionDecl } from './decl.js';
import type { JsonSchema } from './values.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const XML_DEFS: Record<string, JsonSchema> = {
  xmlNode: {
    description: 'An XML node kept as a tree (element, text, comment or processing instruction).',
    type: 'object',
    properties: { type: { enum: ['element', 'text', 'comment', 'pi'] } },
    required: ['type'],
    oneOf: [{ $ref: '#/$defs/xmlElement' }, { $ref: '#/$defs/xmlText' }, { $ref: '#/$defs/xmlComment' }, { $ref: '#/$defs/xmlPi' }],
    discriminator: { propertyName: 'type' },
  },
  xmlElement: {
    type: 'object',
    description: 'An XML element kept as a tree.',
    properties: {
      type: { const: 'element' },
      name: { type: 'string', description: 'Qualified name as written' },
      ns: { type: 'string', description: 'Namespace URI' },
      attributes: { type: 'array', items: { $ref: '#/$defs/xmlAttribute' } },
      children: { type: 'array', items: { $ref: '#/$defs/xmlNode' } },
      start: { type: 'integer', minimum: -1, description: "Offset of the element's '<' in its source; -1 when built in code" },
    },
    required: ['type', 'name', 'attributes', 'children', 'start'],
    additionalProperties: false,
  },
  xmlAttribute: {
    type: 'object',
    properties: { name: { type: 'string' }, value: { type: 'string' } },
    required: ['name', 'value'],
    additionalProperties: false,
  },
  xmlText: {
    type: 'object',
    properties: { type: { const: 'text' }, text: { type: 'string' }, cdata: { type: 'boolean' } },
    required: ['type', 'text'],
    additionalProperties: false,
  },
  xmlComment: {
    type: 'object',
    properties: { type: { const: 'comment' }, text: { type: 'string' } },
    required: ['type', 'text'],
    additionalProperties: false,
  },
  xmlPi: {
    type: 'object',
    properties: { type: { const: 'pi' }, target: { type: 'string' }, body: { type: 'string' } },
    required: ['type', 'target', 'body'],
    additionalProperties: false,
  },
  extra: {
    type: 'object',
    description: 'XML content not described by the declarations, kept and written back in place.',
    properties: {
      attrs: { type: 'array', items: { $ref: '#/$defs/xmlAttribute' }, description: 'Unknown attributes, in document order' },
      nodes: {
        type: 'array',
        description: 'Unknown child nodes; after = key of the known field they followed, index = items of that list read so far',
        items: {
          type: 'object',
          properties: { after: { type: 'string' }, index: { type: 'integer', minimum: 0 }, node: { $ref: '#/$defs/xmlNode' } },
          required: ['node'],
          additionalProperties: false,
        },
      },
      prolog: { type: 'array', items: { $ref: '#/$defs/xmlNode' }, description: "A document's root: comments and PIs before the root element" },
      epilogue: { type: 'array', items: { $ref: '#/$defs/xmlNode' }, description: "A document's root: comments and PIs after the root element" },
    },
    additionalProperties: false,
  },
};

/**
 * The JSON Schema of the defs `root` reads and writes. `id` becomes `$id`;
 * `$defs` holds one entry per element declaration plus the XML tree types.
 */
export function toJsonSchema(root: Decl, id: string, title: string): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const names = new Map<Decl, string>();
  const taken = new Set<string>(Object.keys(XML_DEFS));

  const nameFor = (lazyOrDecl: Decl, hint: string): string => {
    const d = resolveDecl(lazyOrDecl);
    let n = names.get(d);
    if (n) return n;
    n = hint;
    for (let i = 2; taken.has(n); i++) n = `${hint}${i}`;
    taken.add(n);
    names.set(d, n);
    defs[n] = {}; // reserved while the entry is built (recursion)
    defs[n] = d.kind === 'union' ? unionSchema(d, n) : elementSchema(d, n);
    return n;
  };

  const ref = (d: Decl, hint: string): JsonSchema => ({ $ref: `#/$defs/${nameFor(d, hint)}` });

  function fieldSchema(f: Field, hint: string): JsonSchema {
    switch (f.kind) {
      case 'attr':
      case 'text':
      case 'value':
        return { ...f.type.schema };
      case 'flag':
        return { type: 'boolean' };
      case 'raw':
        return { $ref: '#/$defs/xmlElement' };
      case 'child':
        return ref(f.decl, camel(hint, f.decl.name));
      case 'list':
        return { type: 'array', items: ref(f.decl, camel(hint, f.decl.name)) };
    }
  }

  function elementSchema(d: ElementDecl, hint: string, untagged?: string): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [key, f] of Object.entries(d.fields)) {
      let s = fieldSchema(f, hint);
      if (f.doc) s = { ...s, description: f.doc };
      if (f.extension !== undefined) s = { ...s, $comment: `virtxml extension '${f.extension}' (not in upstream libvirt)` };
      properties[key] = s;
      if (f.required && key !== untagged) required.push(key);
    }
    properties[EXTRA] = { $ref: '#/$defs/extra' };
    const out: JsonSchema = {};
    if (d.doc) out.description = d.doc;
    out.type = 'object';
    out.properties = properties;
    if (required.length) out.required = required;
    out.additionalProperties = false;
    return out;
  }

  function unionSchema(d: UnionDecl, hint: string): JsonSchema {
    // a choice of elements: any of its cases (told apart by their fields)
    if (d.select) return { ...(d.doc ? { description: d.doc } : {}), anyOf: Object.entries(d.cases).map(([k, c]) => ref(c, camel(hint, k))) };
    const tags: unknown[] = [];
    for (const [k, c] of Object.entries(d.cases)) {
      const s = (c.fields[d.discriminator] as AttrField).type.schema;
      if ('const' in s) tags.push(s.const);
      else if (Array.isArray(s.enum)) tags.push(...(s.enum as unknown[]));
      else throw new Error(`union ${d.name}: case ${k} has no fixed ${d.discriminator}`);
    }
    const tagged: JsonSchema = {
      type: 'object',
      properties: { [d.discriminator]: { enum: tags } },
      required: [d.discriminator],
      oneOf: Object.entries(d.cases).map(([k, c]) => ref(c, camel(hint, k))),
      discriminator: { propertyName: d.discriminator },
    };
    const doc = d.doc ? { description: d.doc } : {};
    const dflt = d.defaultCase !== undefined ? d.cases[d.defaultCase] : undefined;
    if (!dflt || (dflt.fields[d.discriminator] as AttrField).default !== undefined) return { ...doc, ...tagged };
    // the default case read without its attribute and no default to fill in (e.g. a
    // chain-ending <backingStore/>): the discriminator is absent from the def
    const name = nameFor(dflt, camel(hint, d.defaultCase!)) + 'Untagged';
    taken.add(name);
    defs[name] = elementSchema(dflt, camel(hint, d.defaultCase!), d.discriminator);
    return {
      ...doc,
      type: 'object',
      properties: { [d.discriminator]: { enum: tags } },
      if: { properties: { [d.discriminator]: true }, required: [d.discriminator] },
      then: tagged,
      else: { $ref: `#/$defs/${name}` },
    };
  }

  const top = nameFor(root, camel(root.name, ''));
  const merged = mergeIdentical(defs, top);
  const all: Record<string, JsonSchema> = {};
  for (const k of Object.keys(merged.defs).sort(byName)) all[k] = merged.defs[k]!;
  for (const [k, v] of Object.entries(XML_DEFS)) all[k] = v;
  return { $schema: JSON_SCHEMA_DIALECT, $id: id, title, $ref: `#/$defs/${merged.top}`, $defs: all };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Merges `$defs` entries that are the same schema (declarations built by one
 * factory, such as every `<address type='pci'>`), rewriting the references,
 * until nothing changes. The first name in sorted order is kept.
 */
function mergeIdentical(defs: Record<string, JsonSchema>, top: string): { defs: Record<string, JsonSchema>; top: string } {
  let cur = defs;
  for (;;) {
    const byText = new Map<string, string>();
    const alias = new Map<string, string>();
    for (const name of Object.keys(cur).sort(byName)) {
      const text = JSON.stringify(cur[name]);
      const keep = byText.get(text);
      if (keep !== undefined) alias.set(name, keep);
      else byText.set(text, name);
    }
    if (alias.size === 0) return { defs: cur, top };
    const next: Record<string, JsonSchema> = {};
    for (const [name, s] of Object.entries(cur)) {
      if (alias.has(name)) continue;
      next[name] = rewriteRefs(s, alias) as JsonSchema;
    }
    top = alias.get(top) ?? top;
    cur = next;
  }
}

function rewriteRefs(s: unknown, alias: Map<string, string>): unknown {
  if (Array.isArray(s)) return s.map((x) => rewriteRefs(x, alias));
  if (s === null || typeof s !== 'object') return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
      const n = v.slice('#/$defs/'.length);
      out[k] = `#/$defs/${alias.get(n) ?? n}`;
    } else out[k] = rewriteRefs(v, alias);
  }
  return out;
}

function camel(a: string, b: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''));
  const bb = clean(b);
  return clean(a) + bb.charAt(0).toUpperCase() + bb.slice(1);
}
