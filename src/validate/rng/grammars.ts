/**
 * The compiled grammars of each libvirt release, parsed from their JSON text
 * on first use: a release nobody validates against costs its text in the
 * bundle and nothing at import or run time.
 */
import type { CompiledGrammar } from './compiled.js';
import { GRAMMARS as G9_0 } from './grammars-9_0.generated.js';
import { GRAMMARS as G10_7 } from './grammars-10_7.generated.js';
import { GRAMMARS as G11_3 } from './grammars-11_3.generated.js';
import { GRAMMARS as G12_9 } from './grammars-12_9.generated.js';
import type { LibvirtRelease } from './releases.js';

export interface ReleaseGrammars {
  domain: CompiledGrammar;
  network: CompiledGrammar;
  networkport: CompiledGrammar;
}

const TEXT: Record<LibvirtRelease, string> = { '9.0': G9_0, '10.7': G10_7, '11.3': G11_3, '12.9': G12_9 };
const loaded = new Map<LibvirtRelease, ReleaseGrammars>();

/** The grammars of `release` (parsed once, then shared). */
export function grammarsOf(release: LibvirtRelease): ReleaseGrammars {
  let g = loaded.get(release);
  if (!g) loaded.set(release, (g = JSON.parse(TEXT[release]) as ReleaseGrammars));
  return g;
}
