// @vitest-environment happy-dom
import { isHTTPError, SchemaValidationError } from 'ky';
import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { isSessionExpiredError, isUnexpectedBodyError } from '../../src/index.js';
import { client, useMockPhp } from '../helpers/mock-php.js';

const { php } = useMockPhp();

// A proxy in between that mangles the protocol headers.
const mangling = (async (input: Request, init?: RequestInit) => {
  const response = await fetch(input, init);
  const headers = new Headers(response.headers);
  headers.set('X-Session-Fp', '<img src=x onerror=alert(1)>');
  headers.set('X-Session-Ttl', 'soon');
  headers.set('X-Session-Lock-Wait', '-3');
  return new Response(response.body, { status: response.status, headers });
}) as typeof fetch;
php.route(
  'GET',
  '/api/html-page',
  () => '<!DOCTYPE html><html><body><form action="/login"></form></body></html>',
);
php.route('GET', '/api/forbidden', ({ status }) => {
  status(403);
  return { message: 'Forbidden' };
});

describe('bad input from the server', () => {
  test('a PHP warning in front of the JSON gives an UnexpectedBodyError that names the cause', async () => {
    const session = client();
    const error = await session
      .get('/api/whoami', { headers: { 'X-Php-Fault': 'warningBeforeBody' } })
      .json()
      .catch((caught: unknown) => caught);
    expect(isUnexpectedBodyError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^GET http:\/\/localhost:3000\/api\/whoami: expected JSON, but the body starts with "<br \/>/,
    );
    expect((error as Error).message).toMatch(/PHP printed a warning/);
    expect(session.session.status).not.toBe('expired');
  });

  test('malformed protocol headers are ignored, not trusted', async () => {
    const session = client({ fetch: mangling });
    await session.get('/api/whoami').json();
    // The fingerprint falls back to the readable cookie; the garbage never reaches the state.
    expect(session.session.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(session.session.source).toBe('cookie');
    expect(session.session.expiresAt).toBeNull();
  });

  test('an HTML page where JSON was asked for means the session expired', async () => {
    const session = client();
    const error = await session
      .get('/api/html-page')
      .json()
      .catch((caught: unknown) => caught);
    expect(isSessionExpiredError(error)).toBe(true);
    expect(session.session.status).toBe('expired');
  });

  test('the same HTML page asked for as HTML is just a page', async () => {
    const session = client();
    const text = await session.get('/api/html-page', { headers: { accept: 'text/html' } }).text();
    expect(text).toContain('<form');
    expect(session.session.status).not.toBe('expired');
  });

  test('"the server said no" is an HTTPError; "the data had the wrong shape" is a SchemaValidationError', async () => {
    const session = client();
    const refused = await session.get('/api/forbidden').catch((caught: unknown) => caught);
    expect(isHTTPError(refused)).toBe(true);
    const wrongShape = await session
      .get('/api/whoami')
      .json(z.object({ user: z.string() }))
      .catch((caught: unknown) => caught);
    expect(wrongShape).toBeInstanceOf(SchemaValidationError);
    const right = await session.get('/api/whoami').json(z.object({ loggedIn: z.boolean() }));
    expect(right).toEqual({ loggedIn: false });
  });
});
