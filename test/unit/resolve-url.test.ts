// @vitest-environment happy-dom
// @vitest-environment-options { "url": "http://localhost:3000/app/page.html" }
import { describe, expect, test } from 'vitest';
import { resolveRequestUrl } from '../../src/utils/resolve-url.js';

describe('resolving a request URL before it is sent', () => {
  test('a relative path resolves against the document, as fetch resolves it', () => {
    expect(resolveRequestUrl('api/notes', {})).toEqual({
      href: 'http://localhost:3000/app/api/notes',
      origin: 'http://localhost:3000',
    });
  });

  test("'http:foo' on an http page is relative to the page, as in fetch, not the host 'foo'", () => {
    expect(resolveRequestUrl('http:foo', {})?.href).toBe('http://localhost:3000/app/foo');
  });

  test('an absolute URL keeps its own origin, also with a baseUrl', () => {
    expect(
      resolveRequestUrl('https://api.example.com/x', { baseUrl: 'http://localhost:3000/' })?.origin,
    ).toBe('https://api.example.com');
  });

  test('prefix and baseUrl apply the way ky applies them', () => {
    expect(resolveRequestUrl('/notes', { prefix: 'api/', baseUrl: 'http://localhost:3000/v1/' })?.href).toBe(
      'http://localhost:3000/v1/api/notes',
    );
  });

  test('a URL that cannot be parsed gives undefined', () => {
    expect(resolveRequestUrl('http://[bad', {})).toBeUndefined();
  });
});
