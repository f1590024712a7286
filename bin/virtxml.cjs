#!/usr/bin/env node
'use strict';
require('../dist/cli.cjs').main(process.argv.slice(2)).then(
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
