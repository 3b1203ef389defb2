#!/usr/bin/env node
// Per-request overhead: the session client vs plain ky vs raw fetch, in one process, against an in-process fetch
// stub answering JSON with the protocol's fingerprint header (session tracking on: the URL is the client's
// pageOrigin). The client and ky are bundled from src/ with esbuild, minified, in memory (a user's build).
//
//   node bench/overhead.mjs [--rounds 15] [--requests 1500] [--json out.json]
//
// Each round runs every contestant for `requests` sequential requests, the client and ky back to back (in turn
// first). Throughputs are medians over the rounds; clientVsKy is the median of the rounds' client/ky ratios, the
// lower of GET and POST.

import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The client (and ky) bundled from src/ with esbuild, minified, imported from memory. */
export const loadClientBundle = async ({ minify = true } = {}) => {
  const result = await build({
    stdin: {
      contents: [
        "export { createSessionClient } from './src/index.ts';",
        "export { attachRequestLog } from './src/diagnostics/request-log.ts';",
        "export { default as ky } from 'ky';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'bench-client.ts',
    },
    bundle: true,
    minify,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  return {
    bytes: code.length,
    code,
    ...(await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)),
  };
};

export const origin = 'http://localhost:3000';
export const url = `${origin}/api/items`;
const responseHeaders = { 'content-type': 'application/json', 'x-session-fp': 'abcdef0123456789' };

/** The in-process fetch: a fresh JSON response with the session fingerprint. */
export const stubFetch = async () => new Response('{"ok":true}', { headers: responseHeaders });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const body = { name: 'item', value: 42 };

/** The contestants: one request each, body read as JSON. */
const contestants = ({ createSessionClient, ky }) => {
  const client = createSessionClient({ pageOrigin: origin, fetch: stubFetch });
  const plain = ky.create({ fetch: stubFetch });
  return {
    client: {
      GET: () => client.get(url).json(),
      POST: () => client.post(url, { json: body }).json(),
    },
    ky: {
      GET: () => plain.get(url).json(),
      POST: () => plain.post(url, { json: body }).json(),
    },
    fetch: {
      GET: async () => (await stubFetch(url)).json(),
      POST: async () =>
        (
          await stubFetch(url, {
            method: 'POST',
            body: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          })
        ).json(),
    },
  };
};

const timeRequests = async (send, requests) => {
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const result = await send();
    if (result?.ok !== true) throw new Error('unexpected answer');
  }
  return requests / ((performance.now() - started) / 1000);
};

/** Runs the benchmark; returns the medians (requests/s) and the ratios. */
export const runOverhead = async ({ rounds = 15, requests = 1500, warmup = 3000, log = () => {} } = {}) => {
  const modules = await loadClientBundle();
  const all = contestants(modules);
  const names = Object.keys(all);
  const methods = ['GET', 'POST'];
  const samples = Object.fromEntries(
    methods.map((method) => [method, Object.fromEntries(names.map((name) => [name, []]))]),
  );
  for (const method of methods) {
    for (const name of names) await timeRequests(all[name][method], warmup);
  }
  for (let round = 0; round < rounds; round++) {
    for (const method of methods) {
      // The client and ky run back to back, in turn first: the machine's speed drifts over seconds (other
      // processes, a neighbour on the host), and a ratio of adjacent samples cancels the drift out.
      const order = round % 2 ? ['ky', 'client', 'fetch'] : ['fetch', 'client', 'ky'];
      for (const name of order) samples[method][name].push(await timeRequests(all[name][method], requests));
    }
    log(`round ${round + 1}/${rounds}`);
  }
  const result = { bundleBytes: modules.bytes, rounds, requests, methods: {} };
  for (const method of methods) {
    const med = Object.fromEntries(names.map((name) => [name, Math.round(median(samples[method][name]))]));
    result.methods[method] = {
      rps: med,
      // The median of the rounds' client/ky ratios (each from adjacent samples).
      clientVsKy: Number(median(samples[method].client.map((c, i) => c / samples[method].ky[i])).toFixed(3)),
      clientVsFetch: Number((med.client / med.fetch).toFixed(3)),
      kyVsFetch: Number((med.ky / med.fetch).toFixed(3)),
      // The ratio of the medians, as a check.
      clientVsKyOfMedians: Number((med.client / med.ky).toFixed(3)),
    };
  }
  result.clientVsKy = Math.min(...methods.map((m) => result.methods[m].clientVsKy));
  result.target = 0.85;
  result.meetsTarget = result.clientVsKy >= result.target;
  return result;
};

export const printOverhead = (result) => {
  const rows = [
    ['method', 'client req/s', 'ky req/s', 'fetch req/s', 'client/ky', 'ky/fetch', 'client/fetch'],
  ];
  for (const [method, m] of Object.entries(result.methods)) {
    rows.push([
      method,
      m.rps.client,
      m.rps.ky,
      m.rps.fetch,
      m.clientVsKy.toFixed(3),
      m.kyVsFetch.toFixed(3),
      m.clientVsFetch.toFixed(3),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  for (const row of rows) console.log(row.map((cell, i) => String(cell).padStart(widths[i])).join('  '));
  console.log(
    `clientVsKy ${result.clientVsKy.toFixed(3)} (target >= ${result.target}: ${result.meetsTarget ? 'yes' : 'NO'})`,
  );
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const index = args.indexOf(`--${name}`);
    return index === -1 ? fallback : args[index + 1];
  };
  const result = await runOverhead({
    rounds: Number(option('rounds', 15)),
    requests: Number(option('requests', 1500)),
    log: (line) => console.error(line),
  });
  printOverhead(result);
  const json = option('json', undefined);
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
}
