// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as scriptTagGlobal from '../../src/platform/global.js';
import {
  type CheckedSource,
  type DocBlock,
  docBlocks,
  docFiles,
  npmRunScripts,
  repoRoot,
  scriptsOf,
  sessionFetchNames,
  typecheck,
  where,
} from '../helpers/doc-blocks.js';
import { ci } from '../helpers/timing.js';

// Every code block of README.md and docs/*.md is checked here, so an example cannot drift from the code; the
// examples that can run are run against the mock backend in readme-run.test.ts (ts) and readme-scripts.test.ts (html).
const blocks = docBlocks();
const checked = blocks.filter((block) => !block.skip);
const ofLang = (...langs: string[]) => checked.filter((block) => langs.includes(block.lang));

const sources: CheckedSource[] = [
  ...ofLang('ts', 'typescript', 'js', 'javascript').map((block) => ({
    block,
    code: block.text,
    js: block.lang.startsWith('j'),
    firstLine: 0,
  })),
  ...ofLang('html').flatMap((block) =>
    scriptsOf(block.text).inline.map(({ code, firstLine }) => ({ block, code, js: true, firstLine })),
  ),
];
const errors = typecheck(sources);
const errorsOf = (block: DocBlock) =>
  sources.filter((source) => source.block === block).flatMap((source) => errors.get(source)!);

describe('the documentation code blocks', () => {
  test('are found, each with a language this suite checks, and every skip says why', () => {
    expect(blocks.length).toBeGreaterThan(10);
    const unchecked = checked.filter(
      (block) => !['ts', 'typescript', 'js', 'javascript', 'html', 'php', 'sh'].includes(block.lang),
    );
    expect(unchecked.map(where), 'give these blocks a language this suite checks').toEqual([]);
    for (const block of blocks.filter((each) => each.skip)) expect(block.skip!.length).toBeGreaterThan(10);
  });

  for (const block of ofLang('ts', 'typescript', 'js', 'javascript')) {
    test(`${where(block)}: the ${block.lang} example typechecks against the package's API`, () => {
      expect(errorsOf(block)).toEqual([]);
    });
  }

  // The script-tag build and the overlay's: its global SessionFetch, and the names the overlay script adds to it.
  const scriptTagBuilds: Record<string, string[]> = {
    '/node_modules/session-fetch/dist/session-fetch.global.js': Object.keys(scriptTagGlobal),
    '/node_modules/session-fetch/dist/session-fetch.overlay.global.js': ['mountOverlay', 'debug'],
  };

  for (const block of ofLang('html')) {
    test(`${where(block)}: the html example uses only what its script tags define, and typechecks`, () => {
      const { inline, sources: loaded } = scriptsOf(block.text);
      const builds = loaded.filter((src) => src.includes('session-fetch'));
      expect(
        builds.filter((src) => !(src in scriptTagBuilds)),
        'a script tag names a file the build makes',
      ).toEqual([]);
      // A block without a script tag of its own continues the page of the example above it.
      const defined = new Set(
        (builds.length > 0 ? builds : ['/node_modules/session-fetch/dist/session-fetch.global.js']).flatMap(
          (src) => scriptTagBuilds[src] ?? [],
        ),
      );
      const used = inline.flatMap(({ code }) => sessionFetchNames(code));
      expect(
        used.filter((name) => !defined.has(name)),
        'SessionFetch.x that its script tags do not define',
      ).toEqual([]);
      expect(errorsOf(block)).toEqual([]);
    });
  }

  const php = spawnSync('php', ['-v'], { stdio: 'ignore' }).status === 0;
  if (!php && !ci())
    console.warn(
      'Skipping php -l of the README examples: php is not installed (apt-get install php8.2-cli).',
    );
  for (const block of ofLang('php')) {
    test.skipIf(!php && !ci())(`${where(block)}: the php example passes php -l`, () => {
      const code = block.text.startsWith('<?php') ? block.text : `<?php\n${block.text}`;
      const result = spawnSync('php', ['-l'], { input: code, encoding: 'utf8' });
      expect(result.error, 'php -l could not run: apt-get install php8.2-cli').toBeUndefined();
      expect(`${result.stdout}${result.stderr}`.trim()).toMatch(/^No syntax errors detected/);
    });
  }

  const scripts = Object.keys(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts);
  for (const block of ofLang('sh')) {
    test(`${where(block)}: every npm run in the sh example names a package.json script`, () => {
      expect(npmRunScripts(block.text).filter((name) => !scripts.includes(name))).toEqual([]);
    });
  }

  test('every npm run in the prose names a package.json script', () => {
    const unknown = docFiles().flatMap((file) =>
      npmRunScripts(readFileSync(join(repoRoot, file), 'utf8'))
        .filter((name) => !scripts.includes(name))
        .map((name) => `${file}: npm run ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
