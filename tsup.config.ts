import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The npm build: ESM + CJS with types. ky is bundled in (its types are copied by scripts/vendor-ky-types.mjs):
    // it is ESM-only and declares Node >= 22, so as a dependency it made `require()` fail on Node 20.0-20.18 and
    // every install on Node 20 warn. msw stays external: an optional peer, imported only by testing/msw, so that
    // session-fetch/testing (the engine, node:http) loads without it.
    entry: {
      index: 'src/index.ts',
      'csrf/index': 'src/csrf/index.ts',
      'lifecycle/index': 'src/lifecycle/index.ts',
      'testing/index': 'src/testing/index.ts',
      'testing/msw': 'src/testing/msw.ts',
      'overlay/index': 'src/overlay/index.ts',
      'legacy/index': 'src/platform/legacy.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    // Shared chunks for CJS too (ESM splits by default): without them each CJS entry bundles its own copy of the
    // library, and an error session-fetch/csrf throws is no instance of session-fetch's class.
    splitting: true,
    external: ['msw'],
    noExternal: ['ky'],
  },
  {
    // The script-tag build: one self-contained minified file defining the global SessionFetch.
    entry: { 'session-fetch': 'src/platform/global.ts' },
    format: ['iife'],
    globalName: 'SessionFetch',
    minify: true,
    // Legacy pages have no development build: the script tag keeps the option checks (core/option-checks.ts).
    env: { NODE_ENV: 'development' },
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    outExtension: () => ({ js: '.global.js' }),
  },
  {
    // The overlay's script-tag build: adds mountOverlay and debug to the global SessionFetch.
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
