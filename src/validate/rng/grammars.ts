/**
 * The compiled grammars of each libvirt release, one JSON text per document
 * kind, parsed on first use: a release or kind nobody validates against costs
 * its text in the bundle and nothing at import or run time.
 */
import type { CompiledGrammar } from './compiled.js';
import type { LibvirtRelease } from './releases.js';
import { GRAMMAR_TEXT } from './releases.generated.js';
import type { GrammarKind } from './since.js';

const loaded = new Map<string, CompiledGrammar>();

/** The grammar of `kind` in `release` (parsed once, then shared); undefined when that release's schemas lack the kind. */
export function grammarOf(release: LibvirtRelease, kind: GrammarKind): CompiledGrammar | undefined {
  const key = `${release}/${kind}`;
  let g = loaded.get(key);
  if (!g) {
    const texts: Partial<Record<GrammarKind, string>> = GRAMMAR_TEXT[release];
    const text = texts[kind];
    if (text === undefined) return undefined;
    loaded.set(key, (g = JSON.parse(text) as CompiledGrammar));
  }
  return g;
}
