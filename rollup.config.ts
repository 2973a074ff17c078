import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import type { Plugin, RollupOptions } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';

// es2020 keeps `?.` and `??` as they are (every browser since 2020): ~250 bytes gzip less
// than es2019's down-levelled helpers in the default bundle. esbuild only transpiles; terser
// minifies: ~400 bytes gzip smaller than esbuild's minifier on the default bundle (measured).
const plugins = (minify: boolean) => [
  nodeResolve({ browser: true }),
  esbuild({ target: 'es2020', legalComments: 'none' }),
  ...(minify ? [terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } })] : []),
];

/**
 * Chunks loaded only when needed (sdk/chunk-loader.ts), served from /s/<file>.js. They are
 * built first (rollup runs configs in order); their content-hashed file names then replace
 * the placeholders in the core bundles.
 */
const CHUNKS = [
  // The consent banner + preferences dialog: fetched only when the visitor must be asked.
  { name: 'banner', input: 'sdk/consent/banner/index.ts', placeholder: '__SEGMENTLY_BANNER__' },
  // The standard-event property check: fetched only in debug mode.
  {
    name: 'event-check',
    input: 'sdk/event-check-chunk.ts',
    placeholder: '__SEGMENTLY_EVENT_CHECK__',
  },
];
const chunkFiles = new Map<string, string>();

// The collector serves only the .js files: a sourceMappingURL comment in what it serves would
// point at a 404 and cost ~25 bytes gzip, so those maps are written without one.
const servedMaps = 'hidden';

const chunkBuild = ({ name, input, placeholder }: (typeof CHUNKS)[number]): RollupOptions => ({
  input,
  output: {
    dir: 'dist',
    entryFileNames: `${name}-[hash].js`,
    format: 'iife',
    sourcemap: servedMaps,
  },
  plugins: [
    ...plugins(true),
    {
      name: 'record-chunk-file',
      generateBundle(_, bundle) {
        chunkFiles.set(placeholder, Object.keys(bundle).find((f) => f.endsWith('.js')) ?? '');
      },
    },
  ],
});

const insertChunkFiles: Plugin = {
  name: 'insert-chunk-files',
  transform(code) {
    let out = code;
    for (const [placeholder, file] of chunkFiles) out = out.replaceAll(placeholder, file);
    return out === code ? null : { code: out, map: null };
  },
};

const config: RollupOptions[] = [
  ...CHUNKS.map(chunkBuild),
  {
    // The script-tag build: one self-starting file, everything inlined.
    input: 'sdk/global.ts',
    output: { file: 'dist/segmently.js', format: 'iife', sourcemap: servedMaps },
    plugins: [...plugins(true), insertChunkFiles],
  },
  {
    // The npm build: ESM with idb-keyval left as a dependency for the app's bundler.
    input: 'sdk/index.ts',
    output: { dir: 'dist/esm', format: 'es', sourcemap: true },
    external: ['idb-keyval'],
    plugins: [...plugins(false), insertChunkFiles],
  },
];

export default config;
