// @vitest-environment node
import { afterEach, describe, expect, test, vi } from 'vitest';

// In node there is no location.origin: a client without pageOrigin could never send its cookie.
const fresh = async () => {
  vi.resetModules();
  return import('../../src/index.js');
};
afterEach(() => vi.restoreAllMocks());

describe('a client that can never send its cookie', () => {
  test('says so once, naming the option that fixes it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { createSessionClient } = await fresh();
    createSessionClient().dispose();
    createSessionClient().dispose();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/no page origin.*pageOrigin/s);
  });

  test('stays quiet with a page origin or an allowed origin', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { createSessionClient } = await fresh();
    createSessionClient({ pageOrigin: 'http://localhost:3000' }).dispose();
    createSessionClient({ origins: ['https://api.example.com'] }).dispose();
    expect(warn).not.toHaveBeenCalled();
  });
});
