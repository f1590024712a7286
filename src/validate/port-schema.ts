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

