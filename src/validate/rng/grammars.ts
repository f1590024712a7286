/**
 * The compiled grammars of every libvirt release and document kind: one node
 * table (scripts/gen-rng.mjs shares the nodes the releases and kinds have in
 * common), parsed from its JSON text on first use. Importing virtxml costs the
 * text in the bundle and nothing at run time until something is validated.
 */
import type { CompiledGrammar, NodeJson } from './compiled.js';
import { GRAMMARS } from './grammars.generated.js';
import type { LibvirtRelease } from './releases.js';
import type { GrammarKind } from './since.js';

interface Table {
  nodes: Array<NodeJson | null>;
  entries: Partial<Record<LibvirtRelease, Partial<Record<GrammarKind, Record<string, number>>>>>;
}

let table: Table | undefined;
const views = new Map<string, CompiledGrammar>();

/** The grammar of `kind` in `release` (one object per pair, shared); undefined when that release's schemas lack the kind. */
export function grammarOf(release: LibvirtRelease, kind: GrammarKind): CompiledGrammar | undefined {
  const key = `${release}/${kind}`;
  let g = views.get(key);
  if (!g) {
    if (!table) {
      const parsed: Table = JSON.parse(GRAMMARS);
      table = parsed;
    }
    const entries = table.entries[release]?.[kind];
    if (entries === undefined) return undefined;
    views.set(key, (g = { nodes: table.nodes, entries }));
  }
  return g;
}
