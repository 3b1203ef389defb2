#!/usr/bin/env node
// The session-fetch demo: a small web server with the demo pages and a PHP-style session backend.
//
//   npm run demo                     # node demo/server.mjs: the embedded backend (session-fetch/testing's engine)
//   npm run demo -- --port 8080      # or PORT=8080; --port 0 picks a free port (default 5173, or a free one)
//   npm run demo -- --php            # the real PHP app (test/php-app) on php-fpm + nginx, proxied under /api
//
// Nothing is built to disk: the SPA, the script-tag build (IIFE) and the overlay IIFE are bundled from src/ with
// esbuild at startup into memory and served from there. The backend code (TypeScript) is bundled the same way
// and imported from a data: URL. Ctrl-C stops the server and, with --php, php-fpm and nginx (their temp dir is
// removed).
//
// Pages: / (links), /spa.html (ES module), /legacy.html (script tags + jQuery). Every page is served with
// `Content-Security-Policy: default-src 'self'`: no inline scripts or styles.
//
// Demo control endpoints (not part of the protocol):
//   POST /demo/expire            drop every session now (mock: php.expireAll(); php: delete the session files)
//   POST /demo/expire?in=ms      the same, once, in `ms`
//   GET  /api/slow?ms=           waits `ms`, then answers like GET /api/whoami (a request that can outlive the session)

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = join(root, 'demo');

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => {
  const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return undefined;
  const arg = args[index];
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
};

if (flag('help') || flag('h')) {
  console.log(`Usage: node demo/server.mjs [--port N] [--php] [--host H]
  --port N   listen on N (also PORT=N); 0 = a free port. Default 5173, or a free port when 5173 is taken.
  --php      serve the API from the real PHP app (test/php-app) on php-fpm + nginx instead of the embedded engine.
  --host H   the interface to listen on (default 127.0.0.1).`);
  process.exit(0);
}

const usePhp = flag('php');
const host = option('host') ?? '127.0.0.1';
const portArg = option('port') ?? process.env.PORT;
const requestedPort = portArg === undefined ? undefined : Number(portArg);
if (requestedPort !== undefined && !(Number.isInteger(requestedPort) && requestedPort >= 0)) {
  console.error(`Bad port: ${portArg}`);
  process.exit(2);
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const log = (...parts) => console.log('[demo]', ...parts);

/** Bundles TypeScript for node in memory and imports it from a data: URL (only node: imports remain). */
const importTs = async (contents) => {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'demo-backend.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
};

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
const typeOf = (path) => types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';

/**
 * The browser assets, in memory: /assets/spa.js (ESM, from demo/spa.ts), the IIFE builds of tsup.config.ts
 * (/assets/session-fetch.global.js, /assets/session-fetch.overlay.global.js), jQuery 3, the CSS and the
 * legacy page's script.
 */
const buildAssets = async () => {
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

const page = ({ title, backend, scripts, kind }) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · session-fetch demo</title>
<link rel="stylesheet" href="/assets/demo.css">
${scripts.map((script) => `<script ${script.module ? 'type="module" ' : 'defer '}src="${script.src}"></script>`).join('\n')}
</head>
<body data-page="${kind}" data-backend="${backend}">
<header>
  <h1>session-fetch <small>${title}</small></h1>
  <nav><a href="/spa.html"${kind === 'spa' ? ' aria-current="page"' : ''}>SPA (ESM)</a> <a href="/legacy.html"${kind === 'legacy' ? ' aria-current="page"' : ''}>Legacy (script tag + jQuery)</a> <span class="backend">backend: ${backend === 'php' ? 'PHP (php-fpm + nginx)' : 'embedded PHP engine'}</span></nav>
</header>
<main>
  <section class="card" aria-label="Scenarios">
    <h2>Scenarios</h2>
    <div class="buttons">
      <button type="button" data-scenario="login">Log in (rotates the id)</button>
      <button type="button" data-scenario="logout">Log out</button>
      <button type="button" data-scenario="expire">Expire the session now</button>
      <button type="button" data-scenario="hold">Hold the lock 5 s</button>
      <button type="button" data-scenario="writes">20 concurrent writes</button>
      <button type="button" data-scenario="long">Long request outliving the session</button>
      <button type="button" data-scenario="tab">Open a second tab</button>
    </div>
    <p id="busy" class="busy" aria-live="polite"></p>
    <p class="hint">Results says what happened and why; the overlay (Ctrl+Shift+S) shows every attempt.</p>
  </section>
  <section class="card" aria-label="Session">
    <dl class="state">
      <dt>User</dt><dd id="user">…</dd>
      <dt>Counter</dt><dd id="counter">…</dd>
      <dt>Session</dt><dd id="status">unknown</dd>
      <dt>Fingerprint</dt><dd id="fp">—</dd>
    </dl>
  </section>
  <section class="card" aria-label="Results">
    <h2>Results</h2>
    <ol id="results" reversed></ol>
  </section>
</main>
<dialog id="login-dialog">
  <form method="dialog" id="login-form">
    <h2>Your session has expired</h2>
    <p id="login-reason">Log in again to continue; the requests waiting are sent once you are back.</p>
    <label>User <input name="user" id="login-user" value="alice" autocomplete="username"></label>
    <div class="buttons">
      <button type="submit" value="login" id="login-submit">Log in</button>
      <button type="submit" value="cancel" id="login-cancel" formnovalidate>Give up</button>
    </div>
  </form>
</dialog>
</body>
</html>
`;

const indexPage = (backend) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>session-fetch demo</title>
<link rel="stylesheet" href="/assets/demo.css">
</head>
<body data-page="index" data-backend="${backend}">
<header>
  <h1>session-fetch <small>demo</small></h1>
  <nav><a href="/spa.html">SPA (ESM)</a> <a href="/legacy.html">Legacy (script tag + jQuery)</a> <span class="backend">backend: ${backend === 'php' ? 'PHP (php-fpm + nginx)' : 'embedded PHP engine'}</span></nav>
</header>
<main class="index">
  <section class="card" aria-label="What to try">
    <h2>What to try</h2>
    <ol class="try">
      <li>Open the <a href="/spa.html">SPA</a> (an ES module) or the <a href="/legacy.html">legacy page</a> (script tag and <code>$.ajax</code>): the same PHP-style session, ${backend === 'php' ? 'served by the real PHP app on php-fpm + nginx' : 'served by the embedded engine of <code>session-fetch/testing</code>'}.</li>
      <li>Click <b>Log in</b>, then <b>Expire the session now</b>: the next request is held, the login dialog opens, and once you are back it is sent again.</li>
      <li>Watch the Results log say what happened and why, and the overlay (bottom right) show each attempt, the events and what Diagnostics finds.</li>
    </ol>
  </section>
</main>
</body>
</html>
`;

/** Headers of every page and asset. */
const baseHeaders = {
  'Content-Security-Policy': "default-src 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

const textResponse = (body, type, status = 200) =>
  new Response(body, { status, headers: { ...baseHeaders, 'Content-Type': type } });
const jsonResponse = (body, status = 200) =>
  textResponse(JSON.stringify(body), 'application/json; charset=utf-8', status);

/** The embedded backend: the session engine of session-fetch/testing with its demo routes. */
const startMockBackend = async (engine) => {
  const php = engine.installDemoRoutes(engine.createPhpServer({ lockWaitTimeoutMs: 2000, logLimit: 1000 }));
  return {
    name: 'mock',
    handle: (request) => php.handle(request),
    expireAll: () => php.expireAll(),
    stop: async () => {},
  };
};

const phpInstall = 'apt-get update && apt-get install -y php8.2-fpm nginx-light';

/** The real PHP app behind the same /api paths: the Node server forwards each call to nginx. */
const startPhpBackend = async (engine) => {
  if (!engine.phpAvailable()) {
    console.error(`--php needs php-fpm 8.2 and nginx. Install them with:\n  ${phpInstall}`);
    process.exit(1);
  }
  const server = await engine.startPhpServer({ handler: 'timeout', lockTimeoutMs: 2000, workers: 16 });
  log(`PHP app (test/php-app) on ${server.url}, sessions in ${server.sessionDir}`);
  // /api/<name> → the PHP app's script.
  const routes = {
    'GET /api/whoami': () => '/whoami.php?mode=read',
    'POST /api/login': () => '/login.php',
    'POST /api/logout': () => '/logout.php',
    'POST /api/counter': (url) => `/counter.php${url.search}`,
    'GET /api/hold': (url) => `/write.php?tag=hold&hold=${Number(url.searchParams.get('ms') ?? 500)}`,
  };
  return {
    name: 'php',
    handle: async (request) => {
      const url = new URL(request.url);
      const route = routes[`${request.method} ${url.pathname}`];
      if (!route) return jsonResponse({ message: 'Not Found' }, 404);
      const headers = new Headers(request.headers);
      for (const name of ['host', 'connection', 'content-length', 'accept-encoding']) headers.delete(name);
      const body =
        request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
      const response = await fetch(`${server.url}${route(url)}`, {
        method: request.method,
        headers,
        body,
        redirect: 'manual',
        signal: request.signal,
      });
      const out = new Headers();
      for (const [name, value] of response.headers) {
        if (
          !['set-cookie', 'content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(
            name,
          )
        )
          out.set(name, value);
      }
      for (const cookie of response.headers.getSetCookie()) out.append('set-cookie', cookie);
      return new Response(await response.arrayBuffer(), {
        status: response.status,
        statusText: response.statusText,
        headers: out,
      });
    },
    expireAll: () => {
      for (const file of readdirSync(server.sessionDir)) {
        if (file.startsWith('sess_')) rmSync(join(server.sessionDir, file), { force: true });
      }
    },
    stop: () => server.stop(),
  };
};

const listen = (server, port) =>
  new Promise((done, fail) => {
    const onError = (error) => {
      server.off('listening', onListening);
      fail(error);
    };
    const onListening = () => {
      server.off('error', onError);
      done(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });

const main = async () => {
  process.env.SESSION_FETCH_PHP_APP = join(root, 'test/php-app');
  const [engine, assets] = await Promise.all([
    importTs(
      [
        "export { createPhpServer } from './src/testing/engine/create-php-server.ts';",
        "export { installDemoRoutes } from './src/testing/engine/demo-routes.ts';",
        "export { toNodeListener } from './src/testing/node-http.ts';",
        usePhp
          ? "export { startPhpServer, phpAvailable } from './test/helpers/php-server.ts';"
          : 'export {};',
      ].join('\n'),
    ),
    buildAssets(),
  ]);

  const backend = usePhp ? await startPhpBackend(engine) : await startMockBackend(engine);
  const scriptTags = [
    { src: '/assets/jquery.min.js' },
    { src: '/assets/session-fetch.global.js' },
    { src: '/assets/session-fetch.overlay.global.js' },
    { src: '/assets/demo-kit.js' },
    { src: '/assets/legacy.js' },
  ];
  const pages = new Map([
    ['/', indexPage(backend.name)],
    ['/index.html', indexPage(backend.name)],
    [
      '/spa.html',
      page({
        title: 'SPA',
        kind: 'spa',
        backend: backend.name,
        scripts: [{ src: '/assets/spa.js', module: true }],
      }),
    ],
    [
      '/legacy.html',
      page({ title: 'Legacy page', kind: 'legacy', backend: backend.name, scripts: scriptTags }),
    ],
  ]);
  const timers = new Set();

  const app = {
    handle: async (request) => {
      const url = new URL(request.url);
      const html = pages.get(url.pathname);
      if (html && request.method === 'GET') return textResponse(html, typeOf('.html'));
      const asset = assets.get(url.pathname);
      if (asset && request.method === 'GET') return textResponse(asset.contents, asset.type);
      if (url.pathname === '/favicon.ico') return new Response(null, { status: 204 });
      if (url.pathname === '/demo/expire' && request.method === 'POST') {
        const delay = Number(url.searchParams.get('in') ?? 0);
        if (delay > 0) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            backend.expireAll();
            log('sessions expired (scheduled)');
          }, delay);
          timers.add(timer);
          return jsonResponse({ expiresIn: delay });
        }
        backend.expireAll();
        log('sessions expired');
        return jsonResponse({ expired: true });
      }
      if (url.pathname === '/api/slow' && request.method === 'GET') {
        await sleep(Math.min(Number(url.searchParams.get('ms') ?? 3000) || 0, 60_000));
        if (request.signal.aborted) return new Response(null, { status: 499 });
        return backend.handle(new Request(new URL('/api/whoami', url), { headers: request.headers }));
      }
      if (url.pathname.startsWith('/api/')) return backend.handle(request);
      return textResponse('Not Found', 'text/plain; charset=utf-8', 404);
    },
  };

  const server = createServer(engine.toNodeListener(app));
  let port;
  try {
    port = await listen(server, requestedPort ?? 5173);
  } catch (error) {
    if (requestedPort === undefined && error.code === 'EADDRINUSE') port = await listen(server, 0);
    else {
      await backend.stop();
      console.error(`Cannot listen on ${host}:${requestedPort ?? 5173}: ${error.message}`);
      process.exit(1);
    }
  }
  const shownHost = host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host;
  console.log(`session-fetch demo (${backend.name} backend): http://${shownHost}:${port}/`);
  console.log(`  SPA:    http://${shownHost}:${port}/spa.html`);
  console.log(`  Legacy: http://${shownHost}:${port}/legacy.html`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await Promise.all([new Promise((done) => server.close(() => done())), backend.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
