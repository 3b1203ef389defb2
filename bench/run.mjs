#!/usr/bin/env node
// All benchmarks, one table: per-request overhead (client vs ky vs fetch), memory with the overlay's request log,
// and the session-lock benchmark (bench/lock.mjs) when php-fpm and nginx are installed.
//
//   npm run bench                       # node --expose-gc bench/run.mjs
//   npm run bench -- --json out.json    # also write the figures
//   npm run bench -- --skip lock        # skip a part: overhead, memory, lock (comma-separated)
//
// Each part runs in its own node process (a clean heap each), writing JSON to a temp dir removed at the end.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const jsonFile = option('json', undefined);
const skip = new Set(String(option('skip', '')).split(',').filter(Boolean));

const onPath = (command) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const phpAvailable = () => onPath('php-fpm8.2') && onPath('nginx');

const dir = mkdtempSync(join(tmpdir(), 'session-fetch-bench-run-'));
let child;
const cleanUp = () => rmSync(dir, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    child?.kill(signal);
    cleanUp();
    process.exit(130);
  });
}

/** Runs a bench script in its own process; resolves with the JSON it wrote. Progress goes to stderr. */
const runPart = (name, script, extra = [], nodeArgs = []) =>
  new Promise((done, fail) => {
    const out = join(dir, `${name}.json`);
    const started = Date.now();
    console.error(`[bench] ${name}...`);
    child = spawn(process.execPath, [...nodeArgs, join(here, script), '--json', out, ...extra], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (code, signal) => {
      child = undefined;
      if (code !== 0) return fail(new Error(`${script} failed (${signal ?? `exit ${code}`})`));
      console.error(`[bench] ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      done(JSON.parse(readFileSync(out, 'utf8')));
    });
  });

const table = (columns, rows) => {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells) =>
    cells.map((cell, i) => String(cell ?? '')[i < 3 ? 'padEnd' : 'padStart'](widths[i])).join('  ');
  return [line(columns), ...rows.map((row) => line(columns.map((c) => row[c])))].join('\n');
};

const main = async () => {
  const started = Date.now();
  const result = { node: process.version, date: new Date().toISOString() };
  if (!skip.has('overhead')) {
    result.overhead = await runPart('overhead', 'overhead.mjs', []);
  }
  if (!skip.has('memory')) {
    result.memory = await runPart('memory', 'memory.mjs', [], ['--expose-gc']);
  }
  if (!skip.has('lock')) {
    if (phpAvailable()) result.lock = await runPart('lock', 'lock.mjs');
    else {
      console.error(
        '[bench] lock: skipped, php-fpm 8.2 and nginx are not installed (apt-get update && apt-get install -y php8.2-fpm nginx-light)',
      );
      result.lock = { skipped: 'php-fpm and nginx not installed' };
    }
  }
  result.seconds = Math.round((Date.now() - started) / 1000);

  // One table: every figure as a row.
  const rows = [];
  const add = (part, metric, value, target = '', ok = '') => rows.push({ part, metric, value, target, ok });
  const yes = (value) => (value ? 'yes' : 'NO');
  if (result.overhead) {
    const o = result.overhead;
    for (const [method, m] of Object.entries(o.methods)) {
      add('overhead', `${method} client req/s`, m.rps.client);
      add('overhead', `${method} ky req/s`, m.rps.ky);
      add('overhead', `${method} fetch req/s`, m.rps.fetch);
      add(
        'overhead',
        `${method} client/ky`,
        m.clientVsKy.toFixed(3),
        `>= ${o.target}`,
        yes(m.clientVsKy >= o.target),
      );
      add('overhead', `${method} ky/fetch`, m.kyVsFetch.toFixed(3));
    }
    add(
      'overhead',
      'clientVsKy (lower of GET/POST)',
      o.clientVsKy.toFixed(3),
      `>= ${o.target}`,
      yes(o.meetsTarget),
    );
  }
  if (result.memory) {
    const m = result.memory;
    add('memory', `heap after GC at ${m.checkpoint}`, `${(m.heapAtCheckpointBytes / 1024).toFixed(0)} KB`);
    add('memory', `heap after GC at ${m.requests}`, `${(m.heapAtEndBytes / 1024).toFixed(0)} KB`);
    add('memory', 'heapGrowthBytes', m.heapGrowthBytes, '<= 524288', yes(m.flat));
    add('memory', 'request log entries', `${m.logSize}/${m.logCapacity}`);
  }
  if (result.lock?.rows) {
    for (const r of result.lock.rows) {
      const label = `${r.strategy} n=${r.n} rtt=${r.rttMs}`;
      let target = '';
      let ok = '';
      if (r.strategy === 'client') {
        const limit = Math.round(1.15 * r.n * r.holdMs + 2 * r.rttMs);
        target = `<= ${limit} ms, 0 failed`;
        ok = yes(r.makespanMs <= limit && r.failed === 0);
      }
      add(
        'lock',
        label,
        `${r.makespanMs} ms (x${r.makespanRatio}), failed ${r.failed}, 423s ${r.lockTimeouts}, blocked ${r.blockedMs} ms`,
        target,
        ok,
      );
    }
  } else if (result.lock?.skipped) {
    add('lock', 'session-lock benchmark', 'skipped', '', result.lock.skipped);
  }
  console.log(table(['part', 'metric', 'value', 'target', 'ok'], rows));
  console.log(`\n${result.seconds} s in all (node ${process.version})`);

  if (jsonFile) {
    const out = {
      ...result,
      overhead: result.overhead && { clientVsKy: result.overhead.clientVsKy, ...result.overhead },
      memory: result.memory && { heapGrowthBytes: result.memory.heapGrowthBytes, ...result.memory },
      // The timelines of bench/lock.mjs are long; the rows are the figures.
      lock: result.lock?.rows ? { rows: result.lock.rows } : result.lock,
    };
    writeFileSync(jsonFile, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${jsonFile}`);
  }
};

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanUp);
