#!/usr/bin/env node
// Session-lock benchmark: N concurrent session writes, each holding PHP's session lock H ms, for several client
// strategies, simulated round trips, lock-wait timeouts and servers, from node and from tabs of Chromium.
//
//   npm run bench:lock                      # the default subset, once (about 7 minutes on 2 cores)
//   node bench/lock.mjs --json out.json [--servers helper,plain,redis-2pools] [--n 20,50] [--hold 20,100]
//        [--rtt 0,20,50] [--timeouts 400,1000] [--strategies client,fixed-1,fetch] [--tabs 1,2] [--repeat 1]
//        (strategies: client, fixed-K for the client with `concurrency: K`, ky, fetch)
//   node bench/lock.mjs --full              # the whole matrix, 3 times (about an hour); --repeat overrides
//
// Servers (php-fpm + nginx, started on free loopback ports for each lock-wait timeout):
//   helper        test/php-app with the helper: files handler with a lock-wait timeout, X-Session-Lock-Wait sent
//   plain         test/php-app/plain: the same handler, no helper (423 + Retry-After: 1 on a lock timeout only)
//   redis-2pools  the plain app on two php-fpm pools behind one nginx upstream, sessions in redis-server with
//                 phpredis locking (lock_wait_time 20 ms, its default)
//   redis-2pools-2ms  the same with lock_wait_time 2 ms (not in --full: a setting the user chooses)
// tabs: 2 rows run in Chromium (tabs of one profile, the cross-tab write lock), each tab sending half the writes.
//
// Per row: makespanMs (first request made to last settled), makespanRatio = makespan / (N x H), failed (requests
// that did not end 2xx), lockTimeouts (423 answers seen, retried ones included), blockedMs (sum over every attempt
// of the server-measured time a worker spent before session_start() returned: X-Bench-Blocked-Ms). The rounds of
// one configuration run one after the other, each strategy in turn, so that a burst of load on the machine falls
// on all of them; the tables give ranges over the rounds. The load average at the start and end is printed.
// --json also writes `timelines`: per row, when each write took the lock ('lock', from X-Bench-Locked-At) and, for
// the client, its request events with the limit then (and the tab, in tab rows), ms from the row's start.
// The client and the servers are TypeScript: bundled on the fly with esbuild into a temp file.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { printTable, printTargets } from './lock-report.mjs';
import { nodeRow, sleep, tabsRow } from './lock-rows.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const full = args.includes('--full');
const list = (value) => String(value).split(',').filter(Boolean);
const numbers = (name, fallback, all) => list(option(name, full ? all : fallback)).map(Number);
const jsonFile = option('json', undefined);
const servers = list(option('servers', 'helper,plain,redis-2pools'));
const ns = numbers('n', '20,50', '20,50');
const holds = numbers('hold', '100,20', '100,20');
const rtts = numbers('rtt', '0,50', '0,20,50');
const timeouts = numbers('timeouts', '400', '400,1000');
const tabCounts = numbers('tabs', '1,2', '1,2');
const repeat = Number(option('repeat', full ? '3' : '1'));
const strategies = list(option('strategies', 'client,fixed-1,fetch'));
const serverOptions = {
  helper: { handler: 'timeout', app: 'helper', workers: 64 },
  plain: { handler: 'timeout', app: 'plain', workers: 64 },
  'redis-2pools': { handler: 'redis', app: 'plain', pools: 2, workers: 32 },
  'redis-2pools-2ms': { handler: 'redis', app: 'plain', pools: 2, workers: 32, redisLockPollMs: 2 },
};
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

const loadModules = async () => {
  // Two levels inside the repository (test-results/ is git-ignored): the helpers find the repository from their
  // own URL ('../..' from test/helpers/), and the bundle finds playwright-core (left external) in node_modules.
  mkdirSync(join(root, 'test-results'), { recursive: true });
  const dir = mkdtempSync(join(root, 'test-results/bench-lock-'));
  const outfile = join(dir, 'bench-bundle.mjs');
  await build({
    stdin: {
      contents: [
        "export { createSessionClient } from './src/index.ts';",
        "export { startPhpServer, phpAvailable, missingPhpMessage } from './test/helpers/php-server.ts';",
        "export { createCookieJarFetch } from './test/helpers/cookie-jar-fetch.ts';",
        "export { startSite } from './test/helpers/static-pages.ts';",
        "export { launchBrowser, browserAvailable } from './test/helpers/browser.ts';",
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
    external: ['playwright-core'],
    logLevel: 'warning',
  });
  process.env.SESSION_FETCH_PHP_APP = join(root, 'test/php-app');
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const main = async () => {
  const modules = await loadModules();
  if (!modules.phpAvailable()) {
    console.error(modules.missingPhpMessage);
    process.exit(1);
  }
  const wantTabs = tabCounts.some((count) => count > 1);
  const browser = wantTabs && modules.browserAvailable() ? await modules.launchBrowser() : undefined;
  if (wantTabs && !browser) console.error('Chromium is missing: no tabs rows.');
  const rows = [];
  const timelines = {};
  const loadAtStart = load();
  console.error(`load average at start: ${loadAtStart}`);
  try {
    for (const server of servers) {
      for (const lockTimeoutMs of timeouts) {
        const options = { ...serverOptions[server], lockTimeoutMs };
        const php = await modules.startPhpServer(options);
        const site = browser ? await modules.startSite(options) : undefined;
        try {
          for (const tabs of tabCounts) {
            if (tabs > 1 && !site) continue;
            for (const holdMs of holds) {
              for (const rttMs of rtts) {
                for (const n of ns) {
                  for (let round = 0; round < repeat; round++) {
                    for (const strategy of strategies) {
                      if (tabs > 1 && strategy === 'ky') continue;
                      const spec = { strategy, n, holdMs, rttMs, tabs };
                      const { row, timeline } =
                        tabs > 1 ? await tabsRow(browser, site, spec) : await nodeRow(modules, php, spec);
                      const full = { server, tabs, lockTimeoutMs, strategy, n, holdMs, rttMs, round, ...row };
                      full.makespanRatio = Number((row.makespanMs / (n * holdMs)).toFixed(3));
                      rows.push(full);
                      if (timeline.length)
                        timelines[
                          `${server}/${lockTimeoutMs}/tabs=${tabs}/${strategy}/n=${n}/h=${holdMs}/rtt=${rttMs}/${round}`
                        ] = timeline;
                      console.error(
                        `${server} T=${lockTimeoutMs} tabs=${tabs} ${strategy} n=${n} h=${holdMs} rtt=${rttMs}: ` +
                          `${row.makespanMs} ms (x${full.makespanRatio}), ${row.failed} failed, ${row.lockTimeouts} 423`,
                      );
                      await sleep(200); // every answer is in: only the workers' clean-up is left
                    }
                  }
                }
              }
            }
          }
        } finally {
          await Promise.all([php.stop(), site?.stop()]);
        }
      }
    }
  } finally {
    await browser?.close();
  }
  const loadAtEnd = load();
  printTable(rows);
  printTargets(rows);
  console.log(`\nload average (1, 5, 15 min) at start: ${loadAtStart}; at end: ${loadAtEnd}`);
  if (jsonFile) {
    const meta = { loadAtStart, loadAtEnd, args };
    writeFileSync(jsonFile, `${JSON.stringify({ meta, rows, timelines }, null, 2)}\n`);
    console.log(`\nwrote ${jsonFile}`);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
