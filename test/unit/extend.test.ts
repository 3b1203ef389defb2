// @vitest-environment happy-dom
import type { Hooks } from 'ky';
import { describe, expect, test, vi } from 'vitest';
import { client, useMockPhp } from '../helpers/mock-php.js';

// extend() merges ky's options the way ky.extend() does, so a client extended from another behaves as ky's own.
const { sent } = useMockPhp();
const last = () => sent.at(-1)!;

describe('extend() merges ky options by ky rules', () => {
  test('a header set to undefined is removed, not sent as the text "undefined"', async () => {
    const parent = client({ headers: { authorization: 'Bearer parent', 'x-app': 'shop' } });
    const child = parent.extend({ headers: { authorization: undefined } });
    await child.get('/api/whoami');
    expect(last().headers.has('authorization')).toBe(false);
    expect(last().headers.get('x-app')).toBe('shop');
    await parent.get('/api/whoami');
    expect(last().headers.get('authorization')).toBe('Bearer parent');
  });

  test("the child's headers are added to the parent's, and replace those of the same name", async () => {
    const child = client({ headers: { 'x-app': 'shop', 'x-version': '1' } }).extend({
      headers: new Headers({ 'x-version': '2', 'x-child': 'yes' }),
    });
    await child.get('/api/whoami');
    const headers = last().headers;
    expect([headers.get('x-app'), headers.get('x-version'), headers.get('x-child')]).toEqual([
      'shop',
      '2',
      'yes',
    ]);
  });

  test("the parent's searchParams are kept and the child's added", async () => {
    const parent = client({ searchParams: { lang: 'en' } });
    const child = parent.extend({ searchParams: { page: 2 } });
    await child.get('/api/whoami');
    expect(new URL(last().url).search).toBe('?lang=en&page=2');
    await parent.get('/api/whoami');
    expect(new URL(last().url).search).toBe('?lang=en');
  });

  test('a searchParams entry set to undefined removes the parent one', async () => {
    const child = client({ searchParams: { lang: 'en', debug: '1' } }).extend({
      searchParams: { debug: undefined },
    });
    await child.get('/api/whoami');
    expect(new URL(last().url).search).toBe('?lang=en');
  });

  test("the parent's hooks run first, then the child's, and hooks set to undefined are dropped", async () => {
    const order: string[] = [];
    const hook =
      (name: string): NonNullable<Hooks['beforeRequest']>[number] =>
      () => {
        order.push(name);
      };
    const parent = client({ hooks: { beforeRequest: [hook('parent')], afterResponse: [vi.fn()] } });
    const child = parent.extend({ hooks: { beforeRequest: [hook('child')] } });
    await child.get('/api/whoami');
    expect(order).toEqual(['parent', 'child']);
    order.length = 0;
    await parent.extend({ hooks: { beforeRequest: undefined } }).get('/api/whoami');
    expect(order).toEqual([]);
  });

  test('an extended client shares the session, and its own session settings apply to its requests only', async () => {
    const parent = client();
    const child = parent.extend({ prefix: '/api', cacheBust: true });
    await child.get('whoami');
    expect(new URL(last().url).pathname).toBe('/api/whoami');
    expect(new URL(last().url).searchParams.has('_')).toBe(true);
    expect(parent.session).toBe(child.session);
    await parent.get('/api/whoami');
    expect(new URL(last().url).searchParams.has('_')).toBe(false);
  });
});
