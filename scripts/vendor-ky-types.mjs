#!/usr/bin/env node
// After tsup: ky is bundled into dist/, so its declarations ship too. Copies ky's .d.ts files to dist/vendor/ky/
// (with its license), marks that folder CommonJS, and points our declarations' `from 'ky'` at it. CommonJS
// declarations can be imported by both ESM and CommonJS consumers, so a `module: node16` CommonJS project gets no
// TS1479, and nobody needs ky installed.
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const kyDir = join(root, 'node_modules', 'ky');
const vendor = join(dist, 'vendor', 'ky');

cpSync(join(kyDir, 'distribution'), vendor, {
  recursive: true,
  filter: (path) => statSync(path).isDirectory() || path.endsWith('.d.ts'),
});
cpSync(join(kyDir, 'license'), join(vendor, 'license'));
const { version } = JSON.parse(readFileSync(join(kyDir, 'package.json'), 'utf8'));
writeFileSync(
  join(vendor, 'package.json'),
  `${JSON.stringify({ name: 'ky', version, type: 'commonjs' }, null, 2)}\n`,
);

const declarations = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(dist, 'vendor') ? [] : declarations(path);
    return /\.d\.c?ts$/.test(entry.name) ? [path] : [];
  });

let rewritten = 0;
for (const file of declarations(dist)) {
  const source = readFileSync(file, 'utf8');
  let target = relative(dirname(file), join(vendor, 'index.js')).split(sep).join('/');
  if (!target.startsWith('.')) target = `./${target}`;
  const next = source.replace(/(from |import )['"]ky['"]/g, (_, keyword) => `${keyword}'${target}'`);
  if (next !== source) {
    writeFileSync(file, next);
    rewritten++;
  }
}
if (rewritten === 0) {
  console.error('vendor-ky-types: no declaration imports ky; check the build.');
  process.exit(1);
}
console.log(
  `vendor-ky-types: ky ${version}'s declarations in dist/vendor/ky, ${rewritten} files point at them`,
);
