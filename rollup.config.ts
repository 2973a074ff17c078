import nodeResolve from '@rollup/plugin-node-resolve';
import type { RollupOptions } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';

const plugins = (minify: boolean) => [
  nodeResolve({ browser: true }),
  esbuild({ target: 'es2020', minify, legalComments: 'none' }),
];

const config: RollupOptions[] = [
  {
    // The script-tag build: one self-starting file, everything inlined.
    input: 'sdk/global.ts',
    output: { file: 'dist/segmently.js', format: 'iife', sourcemap: true },
    plugins: plugins(true),
  },
  {
    // The npm build: ESM with idb-keyval left as a dependency for the app's bundler.
    input: 'sdk/index.ts',
    output: { dir: 'dist/esm', format: 'es', sourcemap: true },
    external: ['idb-keyval'],
    plugins: plugins(false),
  },
];

export default config;
