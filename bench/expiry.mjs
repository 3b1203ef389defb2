#!/usr/bin/env node
// Expiry benchmark: K episodes in which the session dies on the server while 1-3 Chromium tabs of one profile have
// requests in flight and to send (writes and long reads, random), and the page logs in again inside onExpired in
// one of the ways pages do. Against real PHP (php-fpm + nginx) in strict mode.
//
//   npm run bench:expiry                                  # node bench/expiry.mjs
//   node bench/expiry.mjs --json out.json [--episodes 30] [--tabs 1,2,3] [--styles marked,unmarked,jquery,fetch,iframe,popup]
//                         [--servers helper,plain-redis] [--seed 1]
//
// Per row (server, tabs, login style): episodes; handlerCallsMax, the most onExpired calls one episode made across
// all tabs (target 1); lostWrites, writes that resolved but are missing from the session (target 0);
// failedRequests, requests that rejected (target 0); maxHoldMs, the longest a held request took in all (target:
// below the 60 s deadline); maxPromptMs, the longest time from the first expired answer (in any tab) to the prompt
// (about a second, even with a long report in flight).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const episodes = Number(option('episodes', '30'));
const tabCounts = list(option('tabs', '1,2,3')).map(Number);
const styles = list(option('styles', 'marked,unmarked,jquery,fetch,iframe,popup'));
const serverNames = list(option('servers', 'helper'));
const initialSeed = Number(option('seed', String(Date.now() % 1e9)));
let seed = initialSeed;
const deadlineMs = 60_000;

const servers = {
  // The helper, the files handler with a lock-wait timeout, a readable cookie.
  helper: { app: 'helper', options: { handler: 'timeout', lockTimeoutMs: 1000, strictMode: true } },
  // No helper: Redis behind two php-fpm pools, an HttpOnly cookie.
  'plain-redis': {
    app: 'plain',
    options: { handler: 'redis', pools: 2, lockTimeoutMs: 1000, strictMode: true, httpOnlyCookie: true },
  },
  // No helper, PHP's own files handler, a readable cookie.
  'plain-files': { app: 'plain', options: { handler: 'files', strictMode: true } },
};

/** Mulberry32, so that a run can be repeated with --seed. */
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (min, max) => min + Math.floor(random() * (max - min + 1));

const loadModules = async () => {
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, 'node_modules/.cache/session-fetch-bench-'));
  const outfile = join(dir, 'bench-bundle.mjs');
  await build({
    stdin: {
      contents: [
        "export { phpAvailable, missingPhpMessage } from './test/helpers/php-server.ts';",
        "export { startSite } from './test/helpers/static-pages.ts';",
        "export { launchBrowser, browserAvailable } from './test/helpers/browser.ts';",
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
  process.env.SESSION_FETCH_REPO = root;
  process.env.SESSION_FETCH_PHP_APP = join(root, 'test/php-app');
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const waitFor = async (page, expression, timeout) => {
  await page.waitForFunction(expression, undefined, { timeout, polling: 25 });
};

/** One row: a context with `tabs` pages, `episodes` expiries in a row, each handled with `style`. */
const runRow = async (browser, site, app, tabs, style) => {
  const base = app === 'plain' ? '/plain/' : '/';
  const context = await browser.newContext();
  const pages = [];
  for (let index = 0; index < tabs; index++) {
    const page = await context.newPage();
    await page.goto(`${site.origin}/pages/expiry.html`);
    await page.evaluate((setup) => window.setupTab(setup), { app, style });
    pages.push(page);
  }
  await pages[0].evaluate(
    (url) => window.client.post(url, { rotatesSession: true }).json(),
    `${base}login.php`,
  );
  const row = { handlerCallsMax: 0, lostWrites: 0, failedRequests: 0, maxHoldMs: 0, maxPromptMs: 0 };
  let calls = 0;
  /** Writes that resolved, and the session that answered them. */
  const written = new Map();
  for (let episode = 1; episode <= episodes; episode++) {
    const fire = (page, index, when) => {
      const requests = [];
      for (let k = 0; k < between(0, 2); k++) {
        const name = `e${episode}t${index}${when}w${k}`;
        requests.push({ name, method: 'post', url: `${base}notes.php`, body: name });
      }
      if (random() < 0.5) {
        const name = `e${episode}t${index}${when}r`;
        requests.push({ name, method: 'get', url: `${base}report.php?ms=${between(0, 1200)}` });
      }
      return page.evaluate((list) => window.fire(list), requests);
    };
    // Some requests are on the wire when the session dies, more come after.
    for (const [index, page] of pages.entries()) await fire(page, index, 'b');
    const cookie = (await context.cookies(site.origin)).find((item) => item.name === 'PHPSESSID');
    await fetch(`${site.origin}/kill-session.php?id=${cookie?.value ?? ''}`);

    for (const [index, page] of pages.entries()) await fire(page, index, 'a');
    // A write after the expiry in the first tab, so that every episode needs a login.
    await pages[0].evaluate((request) => window.fire([request]), {
      name: `e${episode}t0x`,
      method: 'post',
      url: `${base}notes.php`,
      body: `e${episode}t0x`,
    });
    for (const page of pages) await waitFor(page, 'window.pending === 0', deadlineMs + 10_000);
    let total = 0;
    let expiredAt = Number.POSITIVE_INFINITY;
    let promptedAt = 0;
    for (const page of pages) {
      const seen = await page.evaluate(() => {
        const result = {
          calls: window.handlerCalls,
          outcomes: window.outcomes,
          holds: window.holds,
          expiredAt: window.expiredAt,
          promptedAt: window.promptedAt,
        };
        window.expiredAt = undefined;
        window.promptedAt = undefined;
        window.outcomes = {};
        window.holds = [];
        return result;
      });
      total += seen.calls;
      for (const [name, outcome] of Object.entries(seen.outcomes)) {
        if (!outcome.startsWith('ok: ')) row.failedRequests++;
        else if (name.includes('w') || name.endsWith('x'))
          written.set(name, JSON.parse(outcome.slice(4)).sid);
      }
      for (const hold of seen.holds) row.maxHoldMs = Math.max(row.maxHoldMs, hold);
      if (seen.expiredAt) expiredAt = Math.min(expiredAt, seen.expiredAt);
      if (seen.promptedAt) promptedAt = Math.max(promptedAt, seen.promptedAt);
    }
    // From the first expired answer seen in any tab to the prompt (the one handler call) in whichever tab.
    if (promptedAt && Number.isFinite(expiredAt))
      row.maxPromptMs = Math.max(row.maxPromptMs, promptedAt - expiredAt);
    row.handlerCallsMax = Math.max(row.handlerCallsMax, total - calls);
    calls = total;
    const saved = await pages[0].evaluate((url) => window.client.get(url).json(), `${base}notes.php`);
    const notes = new Set(saved.notes);
    // A write answered by the session that died afterwards (it ran before the expiry) died with it; one answered by
    // the session the user has now must be in it.
    for (const [name, sid] of written) if (sid === saved.sid && !notes.has(name)) row.lostWrites++;
    written.clear();
  }
  await context.close();
  return row;
};

const main = async () => {
  const modules = await loadModules();
  if (!modules.phpAvailable() || !modules.browserAvailable()) {
    console.error(`${modules.missingPhpMessage}; and chromium`);
    process.exit(1);
  }
  console.error(`seed ${initialSeed} (repeat the run with --seed ${initialSeed})`);
  const browser = await modules.launchBrowser();
  const rows = [];
  try {
    for (const serverName of serverNames) {
      const server = servers[serverName];
      if (!server) throw new Error(`unknown server ${serverName}: one of ${Object.keys(servers).join(', ')}`);
      const site = await modules.startSite(server.options);
      try {
        for (const tabs of tabCounts) {
          for (const style of styles) {
            const started = Date.now();
            const measured = await runRow(browser.browser, site, server.app, tabs, style);
            const row = { server: serverName, tabs, loginStyle: style, episodes, ...measured };
            rows.push(row);
            console.error(`done ${serverName} tabs=${tabs} ${style} in ${Date.now() - started} ms`);
          }
        }
      } finally {
        await site.stop();
      }
    }
  } finally {
    await browser.close();
  }

  const columns = [
    'server',
    'tabs',
    'loginStyle',
    'episodes',
    'handlerCallsMax',
    'lostWrites',
    'failedRequests',
    'maxHoldMs',
  ];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padStart(widths[i])).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => row[c])));
  const misses = rows.filter(
    (r) => r.handlerCallsMax !== 1 || r.lostWrites > 0 || r.failedRequests > 0 || r.maxHoldMs >= deadlineMs,
  );
  console.log(
    `\n${rows.length - misses.length} of ${rows.length} rows meet every target (handlerCallsMax 1, lostWrites 0, failedRequests 0, maxHoldMs < ${deadlineMs})`,
  );
  if (jsonFile) {
    writeFileSync(jsonFile, `${JSON.stringify({ seed: initialSeed, rows }, null, 2)}\n`);
    console.log(`wrote ${jsonFile}`);
  }
  if (misses.length > 0) process.exitCode = 1;
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
