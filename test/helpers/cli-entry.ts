/** Test-only: the `virtxml` command from src/ (bundled by test/helpers/bundle.ts) for tests that need it in a fresh process without a build. */
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
