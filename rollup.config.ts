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

// The banner chunk is built first (rollup runs configs in order); its content-hashed file
// name is then written into the core bundles, which load it only when they must ask.
let bannerFile = '';
const recordBannerFile: Plugin = {
  name: 'record-banner-file',
  generateBundle(_, bundle) {
    bannerFile = Object.keys(bundle).find((f) => f.endsWith('.js')) ?? '';
  },
};
const insertBannerFile: Plugin = {
  name: 'insert-banner-file',
  transform: (code) =>
    code.includes('__SEGMENTLY_BANNER__')
      ? { code: code.replace('__SEGMENTLY_BANNER__', bannerFile), map: null }
      : null,
};

const config: RollupOptions[] = [
  {
    // The consent banner + preferences dialog: a separate chunk served from /s/<file>.js.
    input: 'sdk/consent/banner/index.ts',
    output: { dir: 'dist', entryFileNames: 'banner-[hash].js', format: 'iife', sourcemap: true },
    plugins: [...plugins(true), recordBannerFile],
  },
  {
    // The script-tag build: one self-starting file, everything inlined.
    input: 'sdk/global.ts',
    output: { file: 'dist/segmently.js', format: 'iife', sourcemap: true },
    plugins: [...plugins(true), insertBannerFile],
  },
  {
    // The npm build: ESM with idb-keyval left as a dependency for the app's bundler.
    input: 'sdk/index.ts',
    output: { dir: 'dist/esm', format: 'es', sourcemap: true },
    external: ['idb-keyval'],
    plugins: [...plugins(false), insertBannerFile],
  },
];

export default config;
