// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { client, useMockPhp } from '../helpers/mock-php.js';

const { sent } = useMockPhp();

describe('the URL a request is known by', () => {
  test("includes ky's searchParams, as the request was sent, in every form ky takes", async () => {
    const session = client();
    const urls: string[] = [];
    session.on('request:end', ({ request }) => urls.push(request.url));
    await session.get('/api/whoami', { searchParams: { a: 1, skip: undefined, b: 'x y' } });
    await session.get('/api/whoami?first=1', { searchParams: 'c=2' });
    await session.get('/api/whoami', { searchParams: new URLSearchParams([['d', '3']]) });
    expect(urls).toEqual([
      'http://localhost:3000/api/whoami?a=1&b=x+y',
      'http://localhost:3000/api/whoami?first=1&c=2',
      'http://localhost:3000/api/whoami?d=3',
    ]);
    expect(sent.map((request) => request.url)).toEqual(urls);
  });
});
