/**
 * Every TypeScript snippet in docs/*.md runs: blocks fenced ```ts runnable are
 * type-checked against the sources (strict, the project's options) and then
 * executed in order (they check their own claims with node:assert);
 * ```ts typecheck blocks (they need a real host) are only type-checked. A
 * plain ```ts block fails the test: say which it is. `virtxml` imports are
 * pointed at src/index.ts (`virtxml/model` at src/model.ts, `virtxml/node` at src/node.ts).
 *
 * Shell lines that call `virtxml validate` must use options the CLI has.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { VALIDATE_HELP } from '../src/cli/validate.js';

const root = join(import.meta.dirname, '..');
const docsDir = join(root, 'docs');
const outDir = join(root, '.virtxml-tmp', `docs-snippets-${process.pid}`);

interface Snippet {
  doc: string;
  line: number;
  mode: 'runnable' | 'typecheck';
  code: string;
  file: string;
}

const FENCE = /^```(\S*)(.*)$/;

function extract(doc: string, text: string): { snippets: Snippet[]; unmarked: number[]; shell: Array<{ line: number; text: string }> } {
  const snippets: Snippet[] = [];
  const unmarked: number[] = [];
  const shell: Array<{ line: number; text: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i]!);
    if (!m || m[1] === '') continue;
    const lang = m[1]!;
    const info = m[2]!.trim();
    const start = i + 1;
    let j = start;
    while (j < lines.length && !lines[j]!.startsWith('```')) j++;
    const body = lines.slice(start, j);
    if (lang === 'ts' || lang === 'typescript') {
      if (info === 'runnable' || info === 'typecheck') {
        const n = snippets.length + 1;
        snippets.push({ doc, line: start, mode: info, code: body.join('\n'), file: join(outDir, `${doc.replace(/\.md$/, '')}-${n}.ts`) });
      } else unmarked.push(start);
    } else {
      body.forEach((t, k) => {
        if (/\bvirtxml validate\b/.test(t)) shell.push({ line: start + k + 1, text: t });
      });
    }
    i = j;
  }
  return { snippets, unmarked, shell };
}

/** Points `virtxml` imports at the sources, relative to the snippet file. */
function localise(s: Snippet): string {
  const rel = (p: string) => {
    const r = relative(outDir, join(root, p)).replace(/\\/g, '/');
    return r.startsWith('.') ? r : './' + r;
  };
  const target: Record<string, string> = { '': 'src/index.js', '/model': 'src/model.js', '/node': 'src/node.js' };
  return s.code.replace(/from (['"])virtxml(\/node|\/model)?\1/g, (_m, q: string, sub: string | undefined) => `from ${q}${rel(target[sub ?? '']!)}${q}`) + '\nexport {};\n';
}

const docs = readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort();
const found = docs.map((doc) => ({ doc, ...extract(doc, readFileSync(join(docsDir, doc), 'utf8')) }));
const all = found.flatMap((f) => f.snippets);

mkdirSync(outDir, { recursive: true });
for (const s of all) writeFileSync(s.file, localise(s));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('docs snippets', () => {
  it('the guides exist and every ts block says whether it runs', () => {
    expect(docs).toEqual(expect.arrayContaining(['quickstart.md', 'ci-validation.md', 'editing.md', 'generating.md', 'hostdev-vfio.md', 'extensions.md']));
    for (const f of found) expect(f.unmarked, `${f.doc}: ts blocks at lines ${f.unmarked.join(', ')} need 'runnable' or 'typecheck'`).toEqual([]);
    for (const doc of ['quickstart.md', 'editing.md', 'generating.md', 'hostdev-vfio.md', 'extensions.md']) {
      expect(all.some((s) => s.doc === doc && s.mode === 'runnable'), `${doc} has a runnable snippet`).toBe(true);
    }
  });

  it('type-check against the sources (strict)', () => {
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(
      all.map((s) => s.file),
      { ...parsed.options, noEmit: true, noUnusedLocals: false, skipLibCheck: true },
    );
    const mine = new Set(all.map((s) => s.file));
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && mine.has(d.file.fileName))
      .map((d) => {
        const s = all.find((x) => x.file === d.file!.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `docs/${s.doc}:${s.line + line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);

  for (const s of all.filter((x) => x.mode === 'runnable')) {
    it(`runs docs/${s.doc}:${s.line}`, async () => {
      await import(pathToFileURL(s.file).href);
    });
  }

  it('shell lines use options virtxml validate has', () => {
    const shell = found.flatMap((f) => f.shell.map((l) => ({ ...l, doc: f.doc })));
    expect(shell.length).toBeGreaterThan(0);
    for (const l of shell) {
      for (const opt of l.text.match(/--[a-z-]+(?:[ =][a-z]+)?/g) ?? []) {
        const [flag, value] = opt.split(/[ =]/);
        expect(VALIDATE_HELP, `docs/${l.doc}:${l.line}: ${flag}`).toContain(flag!);
        if (value && ['--format', '--profile'].includes(flag!)) expect(VALIDATE_HELP, `docs/${l.doc}:${l.line}: ${opt}`).toMatch(new RegExp(`\\b${value}\\b`));
      }
    }
  });
});
