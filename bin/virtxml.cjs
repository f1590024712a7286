#!/usr/bin/env node
'use strict';
// The CLI bundle (dist/cli.cjs), loaded with V8's code cache: a run keeps the bytecode of the
// functions it compiled in the system's temporary directory (one file per bundle, Node version
// and command, in a directory of the user's own), and the next run starts from it instead of
// compiling the 0.9 MB bundle again.
// A cache V8 refuses (another V8, other flags) is made anew; one that cannot be read or written
// changes nothing but the time. VIRTXML_CODE_CACHE=0 turns it off.
const fs = require('node:fs');
const path = require('node:path');

function loadWithCodeCache(file) {
  const vm = require('node:vm');
  const Module = require('node:module');
  const { createHash } = require('node:crypto');
  const source = fs.readFileSync(file, 'utf8');
  const st = fs.statSync(file);
  const key = createHash('sha256').update(`${file}\0${st.size}\0${st.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex').slice(0, 32);
  // one directory per user, used only when it is this user's alone (no one else can plant a cache)
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = path.join(require('node:os').tmpdir(), `virtxml-code-cache${uid === undefined ? '' : `-${uid}`}`);
  // one cache per command: each holds what its command compiles (a `--version` run's would lack the validator)
  const command = /^[a-z-]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const cacheFile = path.join(dir, `cli-${key}-${command}.bin`);
  const ours = () => {
    const d = fs.lstatSync(dir);
    return d.isDirectory() && (uid === undefined || (d.uid === uid && (d.mode & 0o077) === 0));
  };
  let cachedData;
  try {
    cachedData = ours() ? fs.readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
  m.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    // after the run: the cache then holds every function the run compiled, not only the top level
    process.once('exit', () => {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!ours()) return;
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // no cache this time
      }
    });
  }
  return m.exports;
}

const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
let cli;
if (process.env.VIRTXML_CODE_CACHE === '0') cli = require(bundle);
else {
  try {
    cli = loadWithCodeCache(bundle);
  } catch (e) {
    if (e && e.code === 'ENOENT') throw e;
    cli = require(bundle);
  }
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // main() turns every error into a message and an exit code; this is the last guard: one line, no stack
    process.stderr.write(`virtxml: internal error: ${err && err.message ? err.message : err}\n`);
    if (process.env.VIRTXML_DEBUG && err && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = 2;
  },
);
