// @vitest-environment node
import { join } from 'node:path';
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
});
