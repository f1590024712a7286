/**
 * What the declarations cover, keyed like ./rng.ts (`parent>element`,
 * `parent>element@attribute`), and the difference with a schema.
 */
import { resolveDecl, xmlNameOf, type Decl } from '../src/xml/decl.js';
import type { RngNames } from './rng.js';

export function declNames(root: Decl, rootParent = ''): RngNames {
  const out: RngNames = { elements: new Set(), attributes: new Set() };
  const seen = new Map<object, Set<string>>();
  const walk = (decl: Decl, parent: string): void => {
    const r = resolveDecl(decl);
    const cases = r.kind === 'union' ? Object.values(r.cases) : [r];
    for (const d of cases) {
      const key = `${parent}>${d.name}`;
      out.elements.add(key);
      let parents = seen.get(d);
      if (!parents) seen.set(d, (parents = new Set()));
      if (parents.has(parent)) continue;
      parents.add(parent);
      for (const [k, f] of Object.entries(d.fields)) {
        if (f.kind === 'attr') out.attributes.add(`${key}@${xmlNameOf(k, f)}`);
        else if (f.kind === 'child' || f.kind === 'list') walk(f.decl, d.name);
        else if (f.kind === 'value' || f.kind === 'flag') out.elements.add(`${d.name}>${f.xml}`);
        else if (f.kind === 'raw') {
          out.elements.add(`${d.name}>${f.xml}`);
          out.elements.add(`${d.name}>${f.xml}>*`);
        }
      }
    }
  };
  walk(root, rootParent);
  return out;
}

export interface CoverageReport {
  schemaElements: number;
  schemaAttributes: number;
  missingElements: string[];
  missingAttributes: string[];
}

export function coverage(schema: RngNames, decls: RngNames): CoverageReport {
  // content under a raw (kept-as-XML) element counts as covered
  const rawPrefixes = [...decls.elements].filter((e) => e.endsWith('>*')).map((e) => e.slice(0, -2).split('>').pop()!);
  const underRaw = (key: string) => rawPrefixes.some((p) => key.startsWith(p + '>'));
  return {
    schemaElements: schema.elements.size,
    schemaAttributes: schema.attributes.size,
    missingElements: [...schema.elements].filter((e) => !decls.elements.has(e) && !underRaw(e)).sort(),
    missingAttributes: [...schema.attributes].filter((a) => !decls.attributes.has(a) && !underRaw(a.split('@')[0]!.split('>').slice(-1)[0]! + '>')).sort(),
  };
}
