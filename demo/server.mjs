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
// Pages: / (what to try, in three lines), /spa.html (ES module), /legacy.html (script tags + jQuery). Both pages
// share demo/kit (Results log, panels, what a running scenario waits for). Every page is served with
// `Content-Security-Policy: default-src 'self'`: no inline scripts or styles.
//
// Demo control endpoints (not part of the protocol):
//   POST /demo/expire            drop every session now (mock: php.expireAll(); php: delete the session files)
//   POST /demo/expire?in=ms      the same, once, in `ms`
//   GET  /api/slow?ms=           waits `ms`, then answers like GET /api/whoami (a request that can outlive the session)

import { readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildAssets, typeOf } from './assets.mjs';
import { demoPage, indexPage } from './pages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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
    buildAssets(log),
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
      demoPage({
        title: 'SPA',
        kind: 'spa',
        backend: backend.name,
        scripts: [{ src: '/assets/spa.js', module: true }],
      }),
    ],
    [
      '/legacy.html',
      demoPage({ title: 'Legacy page', kind: 'legacy', backend: backend.name, scripts: scriptTags }),
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
