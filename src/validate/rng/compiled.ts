/**
 * The compiled form of a RelaxNG grammar (RELAX NG §4 simplified), as written
 * by scripts/gen-rng.mjs into ./grammars.generated.ts (one table for every release and kind): a flat array of nodes
 * that refer to each other by index (cycles only through element content).
 */

export type NameClassJson =
  | { k: 'name'; ns: string; local: string }
  | { k: 'any'; except?: NameClassJson }
  | { k: 'ns'; ns: string; except?: NameClassJson }
  | { k: 'choice'; a: NameClassJson; b: NameClassJson };

export type NodeJson =
  | ['empty']
  | ['notAllowed']
  | ['text']
  | ['choice', number[]]
  | ['group', number[]]
  | ['interleave', number[]]
  | ['oneOrMore', number]
  | ['list', number]
  | ['element', NameClassJson, number]
  | ['attribute', NameClassJson, number]
  /** datatype library URI ('' = RELAX NG's built-in), type, facets, except pattern */
  | ['data', string, string, Array<[string, string]>, number?]
  | ['value', string, string, string]
  /** a virtxml extension (e.g. 'group'): its pattern, or notAllowed when extensions are off */
  | ['ext', string, number];

export interface CompiledGrammar {
  nodes: Array<NodeJson | null>;
  /** Entry points: the document root and, for domains, one per device kind. */
  entries: Record<string, number>;
}
