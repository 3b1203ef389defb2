import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The npm build: ESM + CJS with types, dependencies left to the app's bundler.
    entry: {
      index: 'src/index.ts',
      'testing/index': 'src/testing/index.ts',
      'overlay/index': 'src/overlay/index.ts',
      'legacy/index': 'src/platform/legacy.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    external: ['msw', 'ky'],
  },
  {
    // The script-tag build: one self-contained minified file defining the global SessionFetch.
    entry: { 'session-fetch': 'src/platform/global.ts' },
    format: ['iife'],
    globalName: 'SessionFetch',
    minify: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    outExtension: () => ({ js: '.global.js' }),
  },
  {
    // The overlay's script-tag build: adds mountOverlay, debug and the diagnostics to the global SessionFetch.
    // No globalName: the entry assigns onto the existing global instead of replacing it.
    entry: { 'session-fetch.overlay': 'src/platform/overlay-global.ts' },
    format: ['iife'],
    minify: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    outExtension: () => ({ js: '.global.js' }),
  },
]);
