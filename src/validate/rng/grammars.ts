/**
 * The compiled grammars of each libvirt release, parsed from their JSON text
 * on first use: a release nobody validates against costs its text in the
 * bundle and nothing at import or run time.
 */
import type { CompiledGrammar } from './compiled.js';
import type { LibvirtRelease } from './releases.js';
import { GRAMMAR_TEXT } from './releases.generated.js';

export interface ReleaseGrammars {
  domain: CompiledGrammar;
  network: CompiledGrammar;
  networkport: CompiledGrammar;
}

const loaded = new Map<LibvirtRelease, ReleaseGrammars>();

/** The grammars of `release` (parsed once, then shared). */
export function grammarsOf(release: LibvirtRelease): ReleaseGrammars {
  let g = loaded.get(release);
  if (!g) loaded.set(release, (g = JSON.parse(GRAMMAR_TEXT[release]) as ReleaseGrammars));
  return g;
}
