// The package gate's own checks, on small inputs (the real run is `npm run check:package` after a build).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { browserBundle, browserSmoke, packFiles } from '../scripts/check-package.mjs';

const dir = join(import.meta.dirname, '..', '.virtxml-tmp', `package-check-${process.pid}`);
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('browser bundle check', () => {
  it('finds Node built-ins, with and without the node: prefix, however deep', async () => {
    writeFileSync(join(dir, 'dep.js'), "import { readFileSync } from 'fs';\nexport const f = () => readFileSync;\n");
    writeFileSync(join(dir, 'entry.js'), "import { join } from 'node:path';\nimport { f } from './dep.js';\nexport const g = () => [join, f];\n");
    const b = await browserBundle(join(dir, 'entry.js'));
    expect(b.builtins.map((s: string) => s.split(' ')[0]).sort()).toEqual(['fs', 'node:path']);
  });

  it('passes a pure module and bundles its dependencies', async () => {
    writeFileSync(join(dir, 'pure.js'), "import { SaxesParser } from 'saxes';\nexport const p = () => new SaxesParser();\n");
    const b = await browserBundle(join(dir, 'pure.js'));
    expect(b.builtins).toEqual([]);
    expect(b.inputs.some((i: string) => i.includes('node_modules/saxes'))).toBe(true);
  });
});

describe('browser smoke run', () => {
  it('fails a bundle that needs a Node global', async () => {
    writeFileSync(join(dir, 'needs-process.js'), 'export const debug = process.env.DEBUG;\n');
    const problems = (await browserSmoke(join(dir, 'needs-process.js'))) as string[];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/process is not defined/);
  });

  it('runs the core from the sources with only browser globals', async () => {
    expect(await browserSmoke(join(import.meta.dirname, '..', 'src', 'index.ts'))).toEqual([]);
  }, 60_000);
});

describe('npm pack contents', () => {
  it('ships README, bin and schemas, and none of test/, conformance/, bench/, fixtures', () => {
    const { files } = packFiles() as { files: string[] };
    expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'bin/virtxml.cjs', 'schemas/domain.schema.json']));
    expect(files.filter((f) => /^(test|conformance|bench|scripts|src|examples)\/|fixtures/.test(f))).toEqual([]);
  });
});
