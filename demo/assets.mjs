// The demo's browser assets, built in memory with esbuild at startup (nothing is written to disk).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = join(root, 'demo');

/** tsup.config.ts, loaded without tsup (defineConfig is the identity). */
const loadTsupConfig = async () => {
  const result = await build({
    entryPoints: [join(root, 'tsup.config.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
    plugins: [
      {
        name: 'tsup-stub',
        setup(b) {
          b.onResolve({ filter: /^tsup$/ }, () => ({ path: 'tsup', namespace: 'tsup-stub' }));
          b.onLoad({ filter: /.*/, namespace: 'tsup-stub' }, () => ({
            contents: 'export const defineConfig = (config) => config;',
            loader: 'js',
          }));
        },
      },
    ],
  });
  const module = await import(
    `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`
  );
  const config = typeof module.default === 'function' ? await module.default({}) : module.default;
  return Array.isArray(config) ? config : [config];
};

const types = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};
export const typeOf = (path) => types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';

/**
 * The browser assets, in memory: /assets/spa.js (ESM, from demo/spa.ts), /assets/demo-kit.js (demo/kit as the
 * global DemoKit), the IIFE builds of tsup.config.ts (/assets/session-fetch.global.js,
 * /assets/session-fetch.overlay.global.js), jQuery 3, the CSS and the legacy page's script.
 */
export const buildAssets = async (log) => {
  const assets = new Map();
  const add = (name, contents) => assets.set(`/assets/${name}`, { contents, type: typeOf(name) });
  const collect = (result) => {
    for (const file of result.outputFiles)
      add(file.path.slice(file.path.lastIndexOf('/') + 1), file.contents);
  };

  const started = Date.now();
  const builds = [
    build({
      entryPoints: { spa: join(demoDir, 'spa.ts') },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: true,
      minify: false,
      outdir: '/virtual',
      write: false,
      logLevel: 'warning',
    }).then(collect),
  ];

  // The demo pages' shared parts, for the legacy page's plain script (the SPA bundles them itself).
  builds.push(
    build({
      entryPoints: { 'demo-kit': join(demoDir, 'kit/index.ts') },
      bundle: true,
      format: 'iife',
      globalName: 'DemoKit',
      platform: 'browser',
      target: 'es2022',
      sourcemap: true,
      outdir: '/virtual',
      write: false,
      logLevel: 'warning',
    }).then(collect),
  );

  // The script-tag builds exactly as tsup.config.ts describes them (entry, global name, options).
  for (const config of await loadTsupConfig()) {
    const formats = [config.format ?? []].flat();
    if (!formats.includes('iife')) continue;
    const entries = Array.isArray(config.entry)
      ? Object.fromEntries(config.entry.map((entry) => [entry.replace(/^.*\/|\.[cm]?[jt]sx?$/g, ''), entry]))
      : config.entry;
    const extension = config.outExtension?.({ format: 'iife', options: config, pkgType: 'module' })?.js;
    for (const [name, entry] of Object.entries(entries)) {
      const options = {
        entryPoints: { [name]: join(root, entry) },
        bundle: true,
        format: 'iife',
        globalName: config.globalName,
        platform: config.platform ?? 'browser',
        target: config.target ?? 'es2020',
        minify: config.minify === true || config.minify === 'terser',
        sourcemap: Boolean(config.sourcemap),
        define: config.define,
        banner: config.banner,
        footer: config.footer,
        outExtension: { '.js': extension ?? '.global.js' },
        outdir: '/virtual',
        write: false,
        logLevel: 'warning',
      };
      config.esbuildOptions?.(options, { format: 'iife' });
      builds.push(build(options).then(collect));
    }
  }
  await Promise.all(builds);

  add('jquery.min.js', readFileSync(join(root, 'node_modules/jquery3/dist/jquery.min.js')));
  for (const file of ['demo.css', 'legacy.js']) add(file, readFileSync(join(demoDir, file)));
  log(
    `built ${[...assets.keys()].filter((k) => !k.endsWith('.map')).length} assets in ${Date.now() - started} ms`,
  );
  return assets;
};
