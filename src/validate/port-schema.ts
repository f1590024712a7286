/**
 * The JSON Schema of `<networkport>` says what its parser guarantees (the
 * registry's `refineSchema` of the networkport kind, ../kinds.ts).
 */
import type { JsonSchema } from '../xml/values.js';

/**
 * `NetworkPortDef` narrows `Infer<typeof networkPort>` to what the parser
 * guarantees (libvirt's required uuid, owner name and uuid, mac; a `plug` of
 * type 'none' is dropped): the schema says the same.
 */
export function narrowPortSchema(s: JsonSchema): void {
  const defs = schema(s.$defs, '$defs');
  const refName = (ref: unknown): string => String(prop(ref, '$ref')).slice('#/$defs/'.length);
  const target = (ref: unknown): JsonSchema => schema(defs[refName(ref)], refName(ref));
  const top = target(s);
  const props = schema(top.properties, 'properties');
  top.required = [...new Set([...strings(top.required), 'uuid', 'owner', 'mac'])];
  const owner = target(props.owner);
  owner.required = [...new Set([...strings(owner.required), 'name', 'uuid'])];
  const plugName = refName(props.plug);
  const plug = schema(defs[plugName], plugName);
  // the 'none' case is read without its attribute: the union is if/then/else; keep the tagged part
  const tagged = schema(plug.then ?? plug, 'plug');
  if (plug.else) delete defs[refName(plug.else)];
  tagged.oneOf = schemas(tagged.oneOf).filter((c) => prop(prop(target(c).properties, 'type'), 'const') !== 'none');
  const tag = schema(prop(tagged.properties, 'type'), 'plug type');
  tag.enum = strings(tag.enum).filter((v) => v !== 'none');
  defs[plugName] = { ...(plug.description !== undefined ? { description: plug.description } : {}), ...tagged };
  pruneDefs(s);
}

const isSchema = (v: unknown): v is JsonSchema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A sub-schema the generator always writes (a missing one is a generator bug, not bad input). */
function schema(v: unknown, what: string): JsonSchema {
  if (!isSchema(v)) throw new Error(`networkport JSON Schema: ${what} is not a schema object`);
  return v;
}

const prop = (v: unknown, key: string): unknown => (isSchema(v) ? v[key] : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const schemas = (v: unknown): JsonSchema[] => (Array.isArray(v) ? v.filter(isSchema) : []);

/** Removes the `$defs` entries nothing refers to any more. */
function pruneDefs(s: JsonSchema): void {
  const defs = schema(s.$defs, '$defs');
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

