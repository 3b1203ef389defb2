#!/usr/bin/env node
// Session-lock benchmark: N concurrent session writes, each holding PHP's session lock H ms, against php-fpm +
// nginx with the lock-wait-timeout files handler (1 s), for several client strategies and simulated RTTs.
//
//   npm run bench:lock                 # node bench/lock.mjs
//   node bench/lock.mjs --json out.json [--n 10,50] [--rtt 0,20] [--hold 100] [--strategies client,fixed-1,ky,fetch]
//
// The client, the PHP server launcher and the cookie-jar fetch are TypeScript: they are bundled on the fly with
// esbuild (a dependency of tsup) into a temp file and imported from there.
//
// Per row: makespanMs (first request made to last settled), makespanRatio = makespan / (N x H), failed (requests
// that did not end 2xx), lockTimeouts (423 answers seen, retried ones included), blockedMs (sum over every attempt
// of the server-measured wait in session_start(), from X-Session-Lock-Wait).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const list = (value) => String(value).split(',').filter(Boolean);
const jsonFile = option('json', undefined);
const ns = list(option('n', '10,50')).map(Number);
const rtts = list(option('rtt', '0,20')).map(Number);
const holdMs = Number(option('hold', '100'));
const strategies = list(option('strategies', 'client,fixed-1,ky,fetch'));

const loadModules = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'session-fetch-bench-'));
  const outfile = join(dir, 'bench-bundle.mjs');
  await build({
    stdin: {
      contents: [
        "export { createSessionClient } from './src/index.ts';",
        "export { startPhpServer, phpAvailable, missingPhpMessage } from './test/helpers/php-server.ts';",
        "export { createCookieJarFetch } from './test/helpers/cookie-jar-fetch.ts';",
        "export { default as ky } from 'ky';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  process.env.SESSION_FETCH_PHP_APP = join(root, 'test/php-app');
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const main = async () => {
  const { createSessionClient, startPhpServer, phpAvailable, missingPhpMessage, createCookieJarFetch, ky } =
    await loadModules();
  if (!phpAvailable()) {
    console.error(missingPhpMessage);
    process.exit(1);
  }
  const server = await startPhpServer({ handler: 'timeout', lockTimeoutMs: 1000, workers: 64 });
  const rows = [];
  const timelines = {};
  try {
    for (const rttMs of rtts) {
      for (const n of ns) {
        for (const strategy of strategies) {
          const stats = { lockTimeouts: 0, blockedMs: 0 };
          // The wire: half the RTT before the request reaches the server, half after the answer leaves it.
          const wire = async (request) => {
            if (rttMs) await sleep(rttMs / 2);
            const response = await fetch(request);
            if (response.status === 423) stats.lockTimeouts++;
            const wait = Number.parseFloat(response.headers.get('x-session-lock-wait') ?? '');
            if (Number.isFinite(wait)) stats.blockedMs += wait;
            if (rttMs) await sleep(rttMs / 2);
            return response;
          };
          const jarFetch = createCookieJarFetch(server.origin, wire);
          // A fresh session for the row: every request of the row then carries its cookie.
          await jarFetch(`${server.url}/whoami.php`);
          stats.lockTimeouts = 0;
          stats.blockedMs = 0;
          const url = `${server.url}/bench.php?hold=${holdMs}`;

          let send;
          const timeline = [];
          if (strategy === 'client' || strategy === 'fixed-1') {
            const client = createSessionClient({
              pageOrigin: server.origin,
              fetch: jarFetch,
              ...(strategy === 'fixed-1' ? { concurrency: 1 } : {}),
            });
            const t0 = Date.now();
            for (const name of ['request:start', 'lock:retry', 'lock:wait', 'request:end']) {
              client.on(name, (event) =>
                timeline.push({
                  at: Date.now() - t0,
                  name,
                  id: event.request.id,
                  limit: client.stats.limit,
                  ...(event.delayMs !== undefined ? { delayMs: event.delayMs } : {}),
                  ...(event.lockWaitMs !== undefined ? { lockWaitMs: event.lockWaitMs } : {}),
                }),
              );
            }
            send = () => client.post(url);
          } else if (strategy === 'ky') {
            send = () => ky.post(url, { fetch: jarFetch });
          } else if (strategy === 'fetch') {
            send = async () => {
              const response = await jarFetch(url, { method: 'POST' });
              if (!response.ok) throw new Error(`HTTP ${response.status}`);
              return response;
            };
          } else {
            throw new Error(`unknown strategy ${strategy}`);
          }

          const started = performance.now();
          const results = await Promise.allSettled(
            Array.from({ length: n }, () =>
              Promise.resolve()
                .then(send)
                .then(async (response) => {
                  await response.arrayBuffer();
                  if (!response.ok) throw new Error(`HTTP ${response.status}`);
                }),
            ),
          );
          const makespanMs = Math.round(performance.now() - started);
          const failed = results.filter((r) => r.status === 'rejected').length;
          rows.push({
            strategy,
            n,
            holdMs,
            rttMs,
            makespanMs,
            makespanRatio: Number((makespanMs / (n * holdMs)).toFixed(3)),
            failed,
            lockTimeouts: stats.lockTimeouts,
            blockedMs: Math.round(stats.blockedMs),
          });
          if (timeline.length) timelines[`${strategy}/n=${n}/rtt=${rttMs}`] = timeline;
          console.error(`done ${strategy} n=${n} rtt=${rttMs}: ${makespanMs} ms, ${failed} failed`);
          await sleep(1200); // let any lock left behind expire before the next row
        }
      }
    }
  } finally {
    await server.stop();
  }

  const columns = [
    'strategy',
    'n',
    'holdMs',
    'rttMs',
    'makespanMs',
    'makespanRatio',
    'failed',
    'lockTimeouts',
    'blockedMs',
  ];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padStart(widths[i])).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => row[c])));

  // The targets, checked and printed.
  console.log('');
  for (const row of rows.filter((r) => r.strategy === 'client')) {
    const limit = 1.15 * row.n * row.holdMs + 2 * row.rttMs;
    const fetchRow = rows.find((r) => r.strategy === 'fetch' && r.n === row.n && r.rttMs === row.rttMs);
    const reduction = fetchRow?.blockedMs ? 1 - row.blockedMs / fetchRow.blockedMs : undefined;
    console.log(
      `client n=${row.n} rtt=${row.rttMs}: makespan ${row.makespanMs} <= ${Math.round(limit)}? ${row.makespanMs <= limit ? 'yes' : 'NO'}; ` +
        `failed 0? ${row.failed === 0 ? 'yes' : 'NO'}` +
        (reduction === undefined ? '' : `; blocked ${(reduction * 100).toFixed(1)}% below fetch`),
    );
  }
  if (jsonFile) {
    writeFileSync(jsonFile, `${JSON.stringify({ rows, timelines }, null, 2)}\n`);
    console.log(`\nwrote ${jsonFile}`);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
