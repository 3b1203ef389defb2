// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

// Every name a package entry exports must be described in docs/api.md, so the reference cannot fall behind.
const entries = {
  'session-fetch': 'src/index.ts',
  'session-fetch/csrf': 'src/csrf/index.ts',
  'session-fetch/lifecycle': 'src/lifecycle/index.ts',
  'session-fetch/testing': 'src/testing/index.ts',
  'session-fetch/testing/msw': 'src/testing/msw.ts',
  'session-fetch/overlay': 'src/overlay/index.ts',
  'session-fetch/legacy': 'src/platform/legacy.ts',
};

const exportedNames = (file: string): string[] => {
  const source = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const [, list] of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of list!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) names.add(name);
    }
  }
  for (const [, name] of source.matchAll(/export\s+(?:const|function|class|type|interface)\s+(\w+)/g))
    names.add(name!);
  return [...names];
};

const reference = readFileSync('docs/api.md', 'utf8');

describe('the API reference', () => {
  for (const [entry, file] of Object.entries(entries)) {
    test(`documents every export of ${entry}`, () => {
      // Named in code: `name` or `name(...)`.
      const missing = exportedNames(file).filter(
        (name) => !new RegExp(`\`${name}(?![\\w$])`).test(reference),
      );
      expect(missing, `add these to docs/api.md under ${entry}`).toEqual([]);
    });
  }

  test('lists the entries it documents', () => {
    for (const entry of Object.keys(entries)) expect(reference).toContain(`## \`${entry}\``);
  });
});
