// @vitest-environment node
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../helpers/doc-blocks.js';

// What an app's bundler keeps of session-fetch: esbuild bundles a small app from the sources, as `npm run size`
// does from the built package, and its metafile names every source file that made it into the bundle.
const src = join(repoRoot, 'src');
const bareApp = `import { createSessionClient } from './index.ts';
createSessionClient().get('/api/me').json().then(console.log);`;
const appWithFeatures = `import { createSessionClient } from './index.ts';
import { csrf } from './csrf/index.ts';
import { lifecycle } from './lifecycle/index.ts';
createSessionClient({ features: [csrf({ refreshUrl: '/csrf.php' }), lifecycle({ heartbeat: '/keepalive.php' })] })
  .get('/api/me').json().then(console.log);`;

const bundle = async (contents: string, nodeEnv: string | undefined, format: 'esm' | 'iife' = 'esm') => {
  const result = await build({
    stdin: { contents, resolveDir: src, loader: 'ts' },
    absWorkingDir: repoRoot,
    bundle: true,
    minify: true,
    format,
    globalName: 'SessionFetch',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    metafile: true,
    // Without a NODE_ENV (the ESM build a page loads without a bundler), process.env.NODE_ENV is left as it is:
    // esbuild would otherwise set it for the browser itself.
    define: { 'process.env.NODE_ENV': nodeEnv ? JSON.stringify(nodeEnv) : 'process.env.NODE_ENV' },
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const kept = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file.replace(/^src\//, ''));
  return { kept, code: result.outputFiles[0]!.text };
};

const inFolder = (files: string[], folder: string) => files.filter((file) => file.startsWith(`${folder}/`));
const optionChecks = ['core/session-options-schema.ts', 'core/value-checks.ts'];

describe('an app bundles only the features it passes', () => {
  test('createSessionClient and a GET bundle no CSRF and no lifecycle code', async () => {
    const { kept } = await bundle(bareApp, 'production');
    expect(kept).toContain('client/create-session-client.ts');
    expect(inFolder(kept, 'csrf')).toEqual([]);
    expect(inFolder(kept, 'lifecycle')).toEqual([]);
  });

  test('passing csrf() and lifecycle() bundles them', async () => {
    const { kept } = await bundle(appWithFeatures, 'production');
    expect(inFolder(kept, 'csrf')).toEqual(
      expect.arrayContaining(['csrf/csrf-tokens.ts', 'csrf/wire-csrf.ts']),
    );
    expect(inFolder(kept, 'lifecycle')).toEqual(
      expect.arrayContaining(['lifecycle/start-lifecycle.ts', 'lifecycle/keepalive.ts']),
    );
  });

  test('a production build leaves the option checks out, a development build keeps them', async () => {
    const production = await bundle(appWithFeatures, 'production');
    expect(production.kept.filter((file) => optionChecks.includes(file))).toEqual([]);
    expect(production.code).not.toContain('is not an option');
    const development = await bundle(appWithFeatures, 'development');
    expect(development.kept).toEqual(expect.arrayContaining(optionChecks));
    expect(development.code).toContain('is not an option');
  });
});

describe('unbundled, where there is no process', () => {
  // The ESM build loaded by a browser without a bundler: `process` is not defined there.
  const run = (code: string, globals: Record<string, unknown>) => {
    const context: Record<string, unknown> = { ...globals };
    for (const name of ['URL', 'URLSearchParams', 'Headers', 'Request', 'Response', 'AbortController'])
      context[name] = (globalThis as Record<string, unknown>)[name];
    for (const name of ['AbortSignal', 'DOMException', 'TextEncoder', 'TextDecoder', 'console'])
      context[name] = (globalThis as Record<string, unknown>)[name];
    Object.assign(context, { setTimeout, clearTimeout, queueMicrotask });
    runInNewContext(code, context);
    return context.SessionFetch as Pick<typeof import('../../src/index.js'), 'createSessionClient'> &
      Pick<typeof import('../../src/csrf/index.js'), 'csrf'>;
  };
  const pageOrigin = 'https://app.example.com';
  const entry = `export { createSessionClient } from './index.ts';
export { csrf } from './csrf/index.ts';`;

  test('the client runs, its options unchecked as in production', async () => {
    const { code } = await bundle(entry, undefined, 'iife');
    const { createSessionClient } = run(code, {});
    expect(() => createSessionClient({ tabs: false, pageOrigin }).dispose()).not.toThrow();
    expect(() =>
      createSessionClient({ tabs: false, pageOrigin, deadline: 'soon' } as never).dispose(),
    ).not.toThrow();
  });

  test('the same code with a process in development checks them', async () => {
    const { code } = await bundle(entry, undefined, 'iife');
    const { createSessionClient, csrf } = run(code, { process: { env: { NODE_ENV: 'development' } } });
    expect(() => createSessionClient({ tabs: false, pageOrigin, deadline: 'soon' } as never)).toThrow(
      'session-fetch: invalid option `deadline`: must be a number of milliseconds from 1',
    );
    expect(() => csrf({ header: 'a b' })).toThrow('`csrf.header`: must be an HTTP header name');
  });
});
