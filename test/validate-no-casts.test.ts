/**
 * The validation rules read typed fields (issue 12): no `as` casts and no
 * `<T>x` assertions in src/validate, so renaming a field of a declaration
 * fails to compile instead of silently turning a rule off. The scan uses
 * TypeScript's own parser (`as const` is not a cast and is allowed); the
 * type-level checks below are compiled by `tsc --noEmit` in `npm test`
 * (an unused `@ts-expect-error` is itself an error).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { DomainDef } from '../src/domain/domain.js';
import { devicesOf, familyOf, infoOf } from '../src/validate/semantic/devices.js';

const ROOT = join(import.meta.dirname, '..');
const VALIDATE = join(ROOT, 'src', 'validate');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.isFile() && e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Each type assertion in a source text, as `line: text` (`x as const` excluded). */
function castsIn(text: string, name = 'x.ts'): string[] {
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    const isConst = ts.isAsExpression(n) && ts.isTypeReferenceNode(n.type) && n.type.typeName.getText(sf) === 'const';
    if ((ts.isAsExpression(n) && !isConst) || ts.isTypeAssertionExpression(n)) {
      out.push(`${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${n.getText(sf).slice(0, 80)}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('src/validate reads typed fields', () => {
  it('the scan finds casts and assertions, and lets `as const` and import renames through', () => {
    expect(castsIn('const a = b as Foo; const c = <Bar>d; const e = f as unknown as G;')).toHaveLength(4);
    expect(castsIn("import { x as y } from 'z'; export { y as w }; const k = ['a'] as const; const s = 'as Foo';")).toEqual([]);
  });

  it('has no type assertion in any file', () => {
    const files = tsFiles(VALIDATE);
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => castsIn(readFileSync(f, 'utf8'), f).map((c) => `${relative(ROOT, f)}:${c}`));
    expect(found).toEqual([]);
  });

  it('gives each device family its declared type', () => {
    const def: DomainDef = {
      type: 'kvm',
      name: 'g',
      devices: {
        hostdevs: [{ mode: 'subsystem', type: 'pci', managed: true, source: { address: { domain: 0, bus: 1, slot: 0, function: 0 } }, alias: { name: 'ua-x' } }],
        graphics: [{ type: 'vnc' }],
      },
    };
    const [h] = familyOf(def, 'hostdevs');
    expect(h?.path).toBe('/domain/devices/hostdev');
    expect(h?.obj.type).toBe('pci');
    // @ts-expect-error not a field of HostdevDef: a rule reading it does not compile
    expect(h?.obj.notAField).toBeUndefined();
    // @ts-expect-error not a device family of <devices>
    expect(familyOf(def, 'notAFamily')).toEqual([]);
    const entries = devicesOf(def);
    expect(entries.map((e) => [e.family, e.name, e.info.alias?.name])).toEqual([
      ['graphics', 'graphics', undefined],
      ['hostdevs', 'hostdev', 'ua-x'],
    ]);
    expect(infoOf({ type: 'dbus', address: 'unix:path=/x' })).toEqual({});
  });
});
