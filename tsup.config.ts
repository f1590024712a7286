import { defineConfig, type Options } from 'tsup';
import { fileURLToPath } from 'node:url';

/** The CLI loads ajv when it first checks a JSON def, not at start-up (src/cli/ajv-on-demand.ts). */
const ajvOnDemand: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'ajv-on-demand',
  setup(build) {
    const shim = fileURLToPath(new URL('./src/cli/ajv-on-demand.ts', import.meta.url));
    build.onResolve({ filter: /^ajv\/dist\/2020\.js$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
  },
};

// `npm run build` writes the JavaScript only (what the CLI, the examples and the tests of the
// built package run); `npm run build:types` (VIRTXML_DTS=only) writes the type declarations,
// which only a published package and `npm run check:package` need, and which take most of the
// build's time and memory.
const typesOnly = process.env.VIRTXML_DTS === 'only';

const configs: Options[] = [
  {
    // the core: pure, runs in a browser (no Node built-ins). `virtxml` (the root: what a user looks
    // for) and `virtxml/model` (declarations and engine) share their code: one copy of each class
    entry: { index: 'src/index.ts', model: 'src/model.ts' },
    format: ['esm', 'cjs'],
    splitting: true,
    // the model's declarations only: the root's are a re-export list of them (scripts/root-dts.mjs)
    dts: typesOnly ? { only: true, entry: { model: 'src/model.ts' } } : false,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'neutral',
    external: ['saxes'],
  },
  {
    // the Node entry: core + host adapters (sysfs, file store)
    entry: { node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    dts: typesOnly ? { only: true } : false,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    external: ['saxes'],
  },
  {
    // the edges: CLI (Node)
    entry: { cli: 'src/cli/main.ts' },
    format: ['cjs'],
    // not left to the external plugin (which runs first), so that ajvOnDemand sees it
    noExternal: [/^ajv\/dist\/2020\.js$/],
    esbuildPlugins: [ajvOnDemand],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    external: ['saxes'],
  },
];

// the CLI has no declarations
export default defineConfig(typesOnly ? configs.slice(0, 2) : configs);
