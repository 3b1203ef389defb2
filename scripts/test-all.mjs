#!/usr/bin/env node
// Runs every test suite this machine can run and ends with one line summing them: "N passed, N failed".
// The PHP and browser suites need php-fpm + nginx and Chromium; without them they say how to install them and
// are skipped, except under CI=true, where a missing dependency fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const onPath = (command) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const install = 'apt-get update && apt-get install -y';

const suites = [
  { name: 'unit', needs: [] },
  {
    name: 'php',
    needs: [
      {
        ok: () => onPath('php-fpm8.2') && onPath('nginx') && onPath('redis-server'),
        what: 'php-fpm, nginx and redis',
        how: `${install} php8.2-cli php8.2-fpm nginx-light redis-server php8.2-redis`,
      },
    ],
  },
  {
    // The mock engine against real php-fpm (files and Redis).
    name: 'parity',
    needs: [
      {
        ok: () => onPath('php-fpm8.2') && onPath('nginx') && onPath('redis-server'),
        what: 'php-fpm, nginx and redis',
        how: `${install} php8.2-cli php8.2-fpm nginx-light redis-server php8.2-redis`,
      },
    ],
  },
  {
    name: 'e2e',
    needs: [
      { ok: () => existsSync('/usr/bin/chromium'), what: 'Chromium', how: `${install} chromium` },
      {
        ok: () => onPath('php-fpm8.2') && onPath('nginx'),
        what: 'php-fpm and nginx',
        how: `${install} php8.2-cli php8.2-fpm nginx-light`,
      },
    ],
  },
];

const only = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };
const workDir = join(tmpdir(), `session-fetch-tests-${process.pid}`);
mkdirSync(workDir, { recursive: true });

for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  if (!existsSync(`test/${suite.name}`)) continue;
  const missing = suite.needs.filter((need) => !need.ok());
  if (missing.length > 0) {
    for (const need of missing)
      console.log(`[${suite.name}] ${need.what} not found. Install it with: ${need.how}`);
    if (ci) {
      console.log(`[${suite.name}] CI=true: a missing dependency fails the run.`);
      totals.failed++;
    } else {
      console.log(`[${suite.name}] skipped.`);
    }
    continue;
  }
  const report = join(workDir, `${suite.name}.json`);
  const run = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      suite.name,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { stdio: 'inherit' },
  );
  if (!existsSync(report)) {
    console.log(`[${suite.name}] vitest did not produce a report (exit ${run.status}).`);
    totals.failed++;
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += result.numPassedTests;
  totals.failed += result.numFailedTests;
  totals.skipped += result.numPendingTests + result.numTodoTests;
  // A file that failed to load has no failed tests but fails the suite.
  const brokenFiles = result.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  );
  totals.failed += brokenFiles.length;
  if (run.status !== 0 && result.numFailedTests === 0 && brokenFiles.length === 0) totals.failed++;
}
rmSync(workDir, { recursive: true, force: true });

console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(totals.failed > 0 ? 1 : 0);
