/**
 * The package's entries: the root (`virtxml`) stays small — what a user looks
 * for — and everything it leaves out is at `virtxml/model`.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';
import * as model from '../src/model.js';

const SRC = join(__dirname, '..', 'src');

function exportedNames(program: ts.Program, file: string): string[] {
  const c = program.getTypeChecker();
  const sf = program.getSourceFile(file)!;
  return c.getExportsOfModule(c.getSymbolAtLocation(sf)!).map((s) => s.name);
}

describe('entries', () => {
  it('the root exports under 150 names (values and types), each also at virtxml/model', () => {
    const files = [join(SRC, 'index.ts'), join(SRC, 'model.ts')];
    const program = ts.createProgram(files, { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true });
    const [rootNames, modelNames] = files.map((f) => exportedNames(program, f));
    expect(rootNames!.length).toBeLessThan(150);
    expect(rootNames!.filter((n) => !modelNames!.includes(n))).toEqual([]);
  }, 60_000);

  it('the root values are the very objects of virtxml/model', () => {
    for (const [name, value] of Object.entries(root)) expect((model as Record<string, unknown>)[name], name).toBe(value);
  });
});
