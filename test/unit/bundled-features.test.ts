// @vitest-environment node
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';
import type { SessionFeature } from '../../src/index.js';
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
const valueChecks = ['core/session-options-schema.ts', 'core/value-checks.ts'];

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

  test('a production build leaves the checks of option values out and keeps those of option names', async () => {
    const production = await bundle(appWithFeatures, 'production');
    expect(production.kept.filter((file) => valueChecks.includes(file))).toEqual([]);
    expect(production.code).not.toContain('must be a number of milliseconds');
    expect(production.code).toContain('is not an option');
    const development = await bundle(appWithFeatures, 'development');
    expect(development.kept).toEqual(expect.arrayContaining(valueChecks));
    expect(development.code).toContain('must be a number of milliseconds');
  });
});

// The bundled code run as a page runs it: a fresh global with what a browser has (and no `process`).
type Entry = Pick<typeof import('../../src/index.js'), 'createSessionClient'> &
  Pick<typeof import('../../src/csrf/index.js'), 'csrf'> &
  Pick<typeof import('../../src/lifecycle/index.js'), 'lifecycle'>;
const run = (code: string, globals: Record<string, unknown> = {}): Entry => {
  const context: Record<string, unknown> = { ...globals };
  for (const name of ['URL', 'URLSearchParams', 'Headers', 'Request', 'Response', 'AbortController'])
    context[name] = (globalThis as Record<string, unknown>)[name];
  for (const name of ['AbortSignal', 'DOMException', 'TextEncoder', 'TextDecoder', 'console'])
    context[name] = (globalThis as Record<string, unknown>)[name];
  Object.assign(context, { setTimeout, clearTimeout, queueMicrotask });
  runInNewContext(code, context);
  return context.SessionFetch as Entry;
};
const pageOrigin = 'https://app.example.com';
const entry = `export { createSessionClient } from './index.ts';
export { csrf } from './csrf/index.ts';
export { lifecycle } from './lifecycle/index.ts';`;

describe('a production build refuses wrong option names and features, as development does', () => {
  // Built once; each test runs it on a fresh global.
  let built: Promise<{ code: string }> | undefined;
  const production = async () => {
    built ??= bundle(entry, 'production', 'iife');
    return run((await built).code);
  };

  test('an option that moved to a feature is refused with what to import and pass', async () => {
    const { createSessionClient } = await production();
    expect(() => createSessionClient({ tabs: false, pageOrigin, csrf: true } as never)).toThrow(
      "session-fetch: invalid option `csrf`: is a feature now: import { csrf } from 'session-fetch/csrf' (SessionFetch.csrf on a script tag) and pass features: [csrf()]",
    );
    expect(() =>
      createSessionClient({ tabs: false, pageOrigin, heartbeat: '/keepalive.php' } as never),
    ).toThrow(
      `invalid option \`heartbeat\`: is an option of the lifecycle feature now: import { lifecycle } from 'session-fetch/lifecycle' (SessionFetch.lifecycle on a script tag) and pass features: [lifecycle({ heartbeat: "/keepalive.php" })]`,
    );
  });

  test('a misspelt option is refused with the name it was probably meant to be', async () => {
    const { createSessionClient } = await production();
    expect(() => createSessionClient({ tabs: false, pageOrigin, onExpire: () => 'resume' } as never)).toThrow(
      'session-fetch: invalid option `onExpire`: is not an option: did you mean `onExpired`?',
    );
  });

  test('a misspelt option of a feature is refused with the name it was probably meant to be', async () => {
    const { csrf, lifecycle } = await production();
    expect(() => csrf({ refreshURL: '/csrf.php' } as never)).toThrow(
      'session-fetch: invalid option `csrf.refreshURL`: is not an option: did you mean `csrf.refreshUrl`?',
    );
    expect(() => lifecycle({ heartBeat: '/keepalive.php' } as never)).toThrow(
      'session-fetch: invalid option `lifecycle.heartBeat`: is not an option: did you mean `lifecycle.heartbeat`?',
    );
    // Its values stay development-only, as the client's own.
    expect(() => csrf({ refreshUrl: 5 } as never)).not.toThrow();
  });

  test("ky's and fetch's own options pass, and so does a wrong value, whose check is development-only", async () => {
    const { createSessionClient } = await production();
    const options = { tabs: false, pageOrigin, prefix: '/api', credentials: 'omit', deadline: 'soon' };
    expect(() => createSessionClient(options as never).dispose()).not.toThrow();
  });

  test('the same feature twice is refused, naming the second', async () => {
    const { createSessionClient, csrf } = await production();
    expect(() => createSessionClient({ tabs: false, pageOrigin, features: [csrf(), csrf()] })).toThrow(
      "session-fetch: invalid option `features.1`: is a second feature named 'csrf': pass each feature once",
    );
  });

  test('a features list that is not a list of features is refused with what a feature is', async () => {
    const { createSessionClient, lifecycle } = await production();
    const make = (features: unknown) => () =>
      createSessionClient({ tabs: false, pageOrigin, features } as never);
    expect(make(lifecycle())).toThrow(
      'invalid option `features`: must be an array of features, such as [csrf(), lifecycle()]',
    );
    expect(make([lifecycle])).toThrow(
      'invalid option `features.0`: must be a feature: call the function, as in features: [lifecycle()]',
    );
    expect(make([{ name: 'csrf' }])).toThrow(
      "invalid option `features.0`: must be a feature such as csrf() from 'session-fetch/csrf'",
    );
  });

  test('two features that both put tokens on requests are refused', async () => {
    const { createSessionClient, csrf } = await production();
    const tokens: SessionFeature = {
      name: 'tokens',
      setup: (host) =>
        host.provideTokens({
          stamp: async () => 'token',
          refused: () => false,
          refresh: async () => 'token',
          observe: () => {},
        }),
    };
    expect(() => createSessionClient({ tabs: false, pageOrigin, features: [csrf(), tokens] })).toThrow(
      'invalid option `features`: two features put tokens on requests (the second after csrf): pass only one of them',
    );
  });
});

describe('unbundled, where there is no process', () => {
  // The ESM build loaded by a browser without a bundler: `process` is not defined there.
  test('the client runs, its option values unchecked as in production, its option names checked', async () => {
    const { code } = await bundle(entry, undefined, 'iife');
    const { createSessionClient } = run(code);
    expect(() => createSessionClient({ tabs: false, pageOrigin }).dispose()).not.toThrow();
    expect(() =>
      createSessionClient({ tabs: false, pageOrigin, deadline: 'soon' } as never).dispose(),
    ).not.toThrow();
    expect(() => createSessionClient({ tabs: false, pageOrigin, onExpire: () => 'resume' } as never)).toThrow(
      'did you mean `onExpired`?',
    );
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
