#!/usr/bin/env node
// Shrinks the bundled type declarations (dist/*.d.ts, dist/*.d.cts) without
// changing a single type.
//
// The declarations are the source of the TS types (Infer<typeof decl>), so
// each `declare const hostdev: UnionDecl<{…}>` carries its whole structure.
// TypeScript's declaration emitter prints the type of a declaration used
// inside another (`child(pciAddress)`) structurally, not as `typeof
// pciAddress`, so every use repeats it: dist/index.d.ts was 3.6 MB, and a
// consumer's `tsc` spent most of its time parsing and binding it.
//
// This pass finds each type node whose text (whitespace aside) is exactly the
// declared type of a top-level `declare const NAME`, and writes `typeof NAME`
// instead: the same type by definition. Run after tsup (npm run build). The
// unshrunk files are kept in .virtxml-tmp/dts-original/, where
// `npm run check:package` proves every exported def type the same in both.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Only types at least this long (whitespace aside) are worth a name. */
const MIN_LENGTH = 120;

export function shrinkDeclarations(text, fileName = 'index.d.ts') {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const norm = (node) => text.slice(node.getStart(sf), node.end).replace(/\s+/g, '');
  /** normalized declared type → const name (the first const of that type) */
  const named = new Map();
  /** the declared type nodes themselves (never replaced by their own name) */
  const own = new Map();
  for (const stmt of sf.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const d of stmt.declarationList.declarations) {
      if (!d.type || !ts.isIdentifier(d.name)) continue;
      const key = norm(d.type);
      if (key.length < MIN_LENGTH) continue;
      if (!named.has(key)) named.set(key, d.name.text);
      own.set(d.type, d.name.text);
    }
  }
  const edits = [];
  const visit = (node) => {
    if (ts.isTypeNode(node) && !own.has(node)) {
      const name = named.get(norm(node));
      if (name !== undefined) {
        edits.push([node.getStart(sf), node.end, `typeof ${name}`]);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  edits.sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [start, end, repl] of edits) out = out.slice(0, start) + repl + out.slice(end);
  return { text: out, replaced: edits.length };
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dist = join(here, '..', 'dist');
  const keep = join(here, '..', '.virtxml-tmp', 'dts-original');
  mkdirSync(keep, { recursive: true });
  for (const f of readdirSync(dist).filter((n) => /\.d\.c?ts$/.test(n))) {
    const path = join(dist, f);
    const before = readFileSync(path, 'utf8');
    writeFileSync(join(keep, f), before);
    const { text, replaced } = shrinkDeclarations(before, f);
    writeFileSync(path, text);
    console.log(`${f}: ${(before.length / 1024).toFixed(0)} KiB → ${(text.length / 1024).toFixed(0)} KiB (${replaced} types named)`);
  }
}
