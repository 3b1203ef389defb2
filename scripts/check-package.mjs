#!/usr/bin/env node
// Checks what `npm publish` would ship, after a build (`npx tsup`):
//   1. `npm pack --dry-run --json` lists only dist/, php/session-fetch.php, README.md, LICENSE and package.json;
//      every export target and the main/module/types/unpkg/jsdelivr fields point at a packed file;
//   2. `publint --strict`;
//   3. `attw --pack . --profile node16` (@arethetypeswrong/cli): types resolve for node16 (ESM, CJS) and bundlers;
//   4. no shipped file imports a package other than node: built-ins, and msw (an optional peer) only from
//      dist/testing/msw.*, so that every other entry, session-fetch/testing included, loads without it;
//   5. the CommonJS entries share one copy of the library: what session-fetch/csrf throws is an instance of
//      session-fetch's own error class, and a client takes the features required from their entries.
// Prints one line per check and exits 1 if any fails.
//
//   npm run check:package        # node scripts/check-package.mjs

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = [];
const report = (name, ok, detail = '') => {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `\n${detail.replace(/^/gm, '     ')}` : ''}`);
};

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ...result, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
};

if (!existsSync(join(root, 'dist'))) {
  console.log('FAIL dist/ is missing: build first with `npx tsup` (npm run build).');
  process.exit(1);
}

// 1. The file list.
const allowed = (path) =>
  path.startsWith('dist/') ||
  ['php/session-fetch.php', 'README.md', 'LICENSE', 'package.json'].includes(path);
const pack = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
let files = [];
try {
  files = JSON.parse(pack.stdout)[0].files.map((file) => file.path);
} catch {
  report('npm pack --dry-run --json', false, pack.output);
}
if (files.length > 0) {
  const extra = files.filter((path) => !allowed(path));
  const missing = ['package.json', 'README.md', 'LICENSE', 'php/session-fetch.php'].filter(
    (path) => !files.includes(path),
  );
  report(
    `npm pack: ${files.length} files, only dist/, php/session-fetch.php, README.md, LICENSE, package.json`,
    extra.length === 0 && missing.length === 0,
    [
      extra.length ? `not allowed in the package:\n  ${extra.join('\n  ')}` : '',
      missing.length ? `missing from the package:\n  ${missing.join('\n  ')}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );

  // Every path package.json points at is in the package.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const targets = new Set();
  const collect = (value) => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) collect(inner);
  };
  collect(pkg.exports);
  for (const field of ['main', 'module', 'types', 'unpkg', 'jsdelivr']) collect(pkg[field]);
  const dangling = [...targets].filter((target) => !target.includes('*') && !files.includes(target));
  report(
    `package.json: ${targets.size} export targets and entry fields point at packed files`,
    dangling.length === 0,
    dangling.length ? `not in the package:\n  ${dangling.join('\n  ')}` : '',
  );
}

// 2. publint.
const publint = run(bin('publint'), ['--strict']);
report('publint --strict', publint.status === 0, publint.status === 0 ? '' : publint.output);

// 3. Are the types wrong? Profile node16: node16 from ESM and from CJS, and bundlers. node10 (no `exports`) is
// left out: it cannot see the subpath entries (./testing, ./overlay, ./legacy) without `typesVersions`, and the
// package needs Node >= 20 anyway. The PHP file is an asset export, not a module.
const attw = run(bin('attw'), [
  '--pack',
  '.',
  '--profile',
  'node16',
  '--exclude-entrypoints',
  './php/session-fetch.php',
  '--no-color',
  '--format',
  'table-flipped',
]);
report('attw --pack . --profile node16 (node16 ESM and CJS, bundler)', attw.status === 0, attw.output);

// 4. Nothing to install but the package: ky is bundled (code and types), so no file needs a package at run time
// or for its types but node: built-ins, except the msw entry's optional peer msw. A shared chunk importing msw
// would make session-fetch/testing need it again.
const mswEntry = /^dist[\\/]testing[\\/]msw\.(?:c?js|d\.c?ts)$/;
// ky's own declarations (dist/vendor) are left out: only their doc comments name packages.
const shipped = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join('dist', 'vendor') ? [] : shipped(path);
    return /\.(c?js|d\.c?ts)$/.test(entry.name) ? [path] : [];
  });
// Import and export statements at a line's start, require() and import() calls: not words in strings or comments.
const bare =
  /^\s*(?:import|export)\b[^'"\n]*?['"]([^'"./][^'"]*)['"]|\b(?:require|import)\(\s*['"]([^'"./][^'"]*)['"]\s*\)/gm;
const needs = new Set();
for (const file of shipped('dist')) {
  for (const [, statement, call] of readFileSync(join(root, file), 'utf8').matchAll(bare)) {
    const name = statement ?? call;
    const msw = name === 'msw' || name.startsWith('msw/');
    if (!name.startsWith('node:') && !(msw && mswEntry.test(file))) needs.add(`${file}: ${name}`);
  }
}
const pkgDeps = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies ?? {});
report(
  'dist needs no installed package (ky bundled; msw, an optional peer, only in testing/msw), no dependencies',
  needs.size === 0 && pkgDeps.length === 0,
  [...needs, ...pkgDeps.map((name) => `dependency: ${name}`)].join('\n'),
);

// 5. One library across the CommonJS entries (each bundling its own copy would make `instanceof` fail across them).
{
  const requireDist = createRequire(join(root, 'dist', 'index.cjs'));
  const main = requireDist('./index.cjs');
  const { csrf } = requireDist('./csrf/index.cjs');
  const { lifecycle } = requireDist('./lifecycle/index.cjs');
  const problems = [];
  try {
    csrf({ refreshUrl: 5 });
    problems.push('csrf({ refreshUrl: 5 }) did not throw');
  } catch (error) {
    if (!(error instanceof main.SessionOptionsError))
      problems.push(`csrf()'s ${error?.name} is not an instance of session-fetch's SessionOptionsError`);
  }
  try {
    main.createSessionClient({ pageOrigin: 'http://127.0.0.1', features: [csrf(), lifecycle()] }).dispose();
  } catch (error) {
    problems.push(`createSessionClient with csrf() and lifecycle() threw: ${error?.message}`);
  }
  report(
    'CommonJS: session-fetch, session-fetch/csrf and session-fetch/lifecycle share one copy of the library',
    problems.length === 0,
    problems.join('\n'),
  );
}

const failed = results.filter((result) => !result.ok);
console.log(
  failed.length
    ? `\n${failed.length} of ${results.length} checks failed.`
    : `\nAll ${results.length} checks passed.`,
);
process.exit(failed.length ? 1 : 0);
