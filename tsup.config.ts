import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // the core: pure, runs in a browser (no Node built-ins). `virtxml` (the root: what a user looks
    // for) and `virtxml/model` (declarations and engine) share their code: one copy of each class
    entry: { index: 'src/index.ts', model: 'src/model.ts' },
    format: ['esm', 'cjs'],
    splitting: true,
    // the model's declarations only: the root's are a re-export list of them (scripts/root-dts.mjs)
    dts: { entry: { model: 'src/model.ts' } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    external: ['saxes'],
  },
  {
    // the Node entry: core + host adapters (sysfs, file store)
    entry: { node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    external: ['saxes'],
  },
  {
    // the edges: CLI (Node)
    entry: { cli: 'src/cli/main.ts' },
    format: ['cjs'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    external: ['saxes'],
  },
]);
