// Keeps src/ layered: no import circle (type-only imports count: they tie the files as readers see them), and
// no file importing from a higher layer. Reads every import and export-from of src/**/*.ts with a regex.
// Run by `npm run lint`; exits 1 naming each circle as a path and each import that points up.
//
// The layers, from the ground up (a file may import its own layer and the ones below it):
//   0 ground        core (events, option types and checks, request and session types), errors, utils
//   1 session model session (state store, expiry coordinator), queue (write queue, limit), lock (retry policy)
//   2 features      tabs, csrf, lifecycle, diagnostics: plug into the session model, never into the client
//   3 composition   client (createSessionClient, the runtime wiring, the transport ky calls)
//   4 entries       index.ts, platform (jQuery, installFetch, script tags), overlay, testing
//
// Features an app passes in (`features: [csrf(), lifecycle()]`) have their own package entries: no other folder
// imports them (the script-tag entry in platform/ aside), so an app that does not pass one does not bundle it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Folder under src/ (the first path segment; '.' for files at the top) -> layer. */
const layers = {
  core: 0,
  errors: 0,
  utils: 0,
  session: 1,
  queue: 1,
  lock: 1,
  tabs: 2,
  csrf: 2,
  lifecycle: 2,
  diagnostics: 2,
  client: 3,
  '.': 4,
  platform: 4,
  overlay: 4,
  testing: 4,
};

/** Folders of features passed in -> the other folders that may import them. */
const passedIn = {
  csrf: ['platform'],
  lifecycle: ['platform'],
};

const listFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

// `import x from`, `import type {...} from`, `export {...} from`, `export * from` (over several lines), a bare
// `import '...'`, and `import('...')` with a literal name.
const importPattern =
  /^\s*(?:import|export)\s+(?:type\s+)?[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

const files = listFiles(src).map((path) => relative(root, path));
const known = new Set(files);

const resolveImport = (from, specifier) => {
  const base = join(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (known.has(candidate)) return candidate;
  }
  return undefined;
};

const problems = [];
const edges = new Map();
for (const file of files) {
  const targets = new Set();
  for (const match of readFileSync(join(root, file), 'utf8').matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (!specifier.startsWith('.')) continue;
    const target = resolveImport(file, specifier);
    if (target) targets.add(target);
    else problems.push(`${file}: cannot resolve '${specifier}'`);
  }
  edges.set(file, [...targets].sort());
}

const folderOf = (file) => {
  const parts = relative('src', file).split('/');
  return parts.length === 1 ? '.' : parts[0];
};
for (const file of files) {
  if (!(folderOf(file) in layers))
    problems.push(
      `${file}: src/${folderOf(file)}/ has no layer in ${relative(root, fileURLToPath(import.meta.url))}`,
    );
}

// An import from a higher layer.
for (const [file, targets] of edges) {
  const own = layers[folderOf(file)];
  for (const target of targets) {
    const theirs = layers[folderOf(target)];
    if (own !== undefined && theirs !== undefined && theirs > own) {
      problems.push(
        `${file} (layer ${own}) imports ${target} (layer ${theirs}): a layer imports only itself and below`,
      );
    }
  }
}

// A feature passed in, imported by the client or the core (which would put it in every bundle).
for (const [file, targets] of edges) {
  const own = folderOf(file);
  for (const target of targets) {
    const theirs = folderOf(target);
    if (theirs in passedIn && theirs !== own && !passedIn[theirs].includes(own)) {
      problems.push(
        `${file} imports ${target}: src/${theirs}/ is a feature an app passes in (features: [${theirs}()]), imported only by ${[theirs, ...passedIn[theirs]].map((folder) => `src/${folder}/`).join(' and ')}, so an app that does not pass it does not bundle it`,
      );
    }
  }
}

// Circles: the strongly connected components (Tarjan), each named by its shortest loop through its first file.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
const visit = (file) => {
  index.set(file, counter);
  low.set(file, counter++);
  stack.push(file);
  onStack.add(file);
  for (const target of edges.get(file)) {
    if (!index.has(target)) {
      visit(target);
      low.set(file, Math.min(low.get(file), low.get(target)));
    } else if (onStack.has(target)) low.set(file, Math.min(low.get(file), index.get(target)));
  }
  if (low.get(file) !== index.get(file)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(member);
  } while (member !== file);
  if (component.length > 1 || edges.get(file).includes(file)) components.push(component.sort());
};
for (const file of files) if (!index.has(file)) visit(file);

const loopThrough = (start, members) => {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const target of edges.get(file)) {
      if (target === start) {
        const path = [start];
        for (let at = file; at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (members.has(target) && !previous.has(target)) {
        previous.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start];
};
for (const component of components) {
  const loop = loopThrough(component[0], new Set(component));
  const others = component.length > loop.length - 1 ? ` (${component.length} files in this circle)` : '';
  problems.push(`import circle: ${loop.join(' -> ')}${others}`);
}

if (problems.length > 0) {
  console.error(
    `check-imports: ${problems.length} problem(s) in src/\n${problems.map((line) => `  ${line}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `check-imports: ${files.length} files, no import circle, no import from a higher layer, features imported only by their entries`,
);
