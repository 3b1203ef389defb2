import { describe, expect, test } from 'vitest';
import { lockRetryDelay } from '../../src/lock/lock-retry-delay.js';
import { parseRetryAfter } from '../../src/lock/retry-after.js';

const now = Date.parse('2026-11-26T10:00:00Z');
const options = { limit: 5, baseDelay: 100, maxDelay: 3000, maxRetryAfter: 10_000 };

describe('Retry-After', () => {
  test('delay seconds are turned into milliseconds', () => {
    expect(parseRetryAfter('2', 10_000, now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', 10_000, now)).toBe(0);
  });

  test('an HTTP-date in the future gives the time until then', () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:03 GMT', 10_000, now)).toBe(3000);
  });

  test('an HTTP-date in the past means retry now', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:00 GMT', 10_000, now)).toBe(0);
  });

  test('a huge value is bounded by maxRetryAfter', () => {
    expect(parseRetryAfter('999999999', 10_000, now)).toBe(10_000);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', 10_000, now)).toBe(10_000);
  });

  test('garbage, negative and empty values are ignored', () => {
    for (const value of ['soon', '-5', '1.5', '', '2e3', '0x10', 'Thu, 99 Nov 2026 10:00:03 GMT', null]) {
      expect(parseRetryAfter(value, 10_000, now), String(value)).toBeUndefined();
    }
  });
});

describe('lock retry delay', () => {
  test('waits at least the server Retry-After, with jitter on top so retries spread out', () => {
    expect(lockRetryDelay(1, '1', options, () => 0)).toBe(1000);
    expect(lockRetryDelay(1, '1', options, () => 0.5)).toBe(1050);
    expect(lockRetryDelay(2, '1', options, () => 1)).toBe(1200);
  });

  test('falls back to exponential backoff with full jitter', () => {
    expect(lockRetryDelay(1, null, options, () => 1)).toBe(100);
    expect(lockRetryDelay(3, 'garbage', options, () => 1)).toBe(400);
    expect(lockRetryDelay(3, null, options, () => 0)).toBe(0);
    expect(lockRetryDelay(3, null, options, () => 0.5)).toBe(200);
  });

  test('a backoff step never exceeds maxDelay', () => {
    expect(lockRetryDelay(20, null, options, () => 1)).toBe(3000);
  });
});
