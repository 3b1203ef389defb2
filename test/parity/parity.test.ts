import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPhpServer } from '../../src/testing/index.js';
import { type PhpServer, shouldRunPhpSuite, startPhpServer } from '../helpers/php-server.js';
import { difference, mockBackend, phpBackend, runScenario, summary } from './runner.js';
import { MOCK_ROUTE, scenarios } from './scenarios.js';

// The mock engine against real php-fpm: the same scenarios, request by request, with the files handler and with
// Redis (phpredis locking, a 1 s lock wait). Statuses, session cookies, fingerprints (as labels), protocol headers,
// bodies (which also show the order two requests ran in) and the stored sessions must all be equal.

const handlers = ['files', 'redis'] as const;
type Handler = (typeof handlers)[number];
const LOCK_TIMEOUT_MS = 1000;

describe.skipIf(!shouldRunPhpSuite())('the mock engine against php-fpm', () => {
  const servers = new Map<string, PhpServer>();
  const rows: string[][] = [];
  beforeAll(async () => {
    const configs = handlers.flatMap((handler) =>
      [false, true].map((strictMode) => ({ handler, strictMode })),
    );
    const started = await Promise.all(
      configs.map((c) => startPhpServer({ ...c, lockTimeoutMs: LOCK_TIMEOUT_MS, workers: 4 })),
    );
    for (const [index, c] of configs.entries()) servers.set(`${c.handler}/${c.strictMode}`, started[index]!);
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    if (rows.length === 0) return;
    const table = [
      '| scenario | mock | php-fpm files | php-fpm redis |',
      '| --- | --- | --- | --- |',
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ];
    console.log(`\nParity of the mock with php-fpm 8.2:\n${table.join('\n')}\n`);
  });

  for (const scenario of scenarios) {
    test(`${scenario.name}: the mock answers as php-fpm does, files and Redis`, async () => {
      const run = (handler: Handler) => {
        const mock = createPhpServer({
          strictMode: scenario.strictMode,
          lockWaitTimeoutMs: handler === 'files' ? null : LOCK_TIMEOUT_MS,
        }).route('*', '/steps', MOCK_ROUTE);
        const php = servers.get(`${handler}/${scenario.strictMode}`)!;
        return Promise.all([
          runScenario(mockBackend(mock), scenario),
          runScenario(phpBackend(php), scenario),
        ]);
      };
      const [[mockFiles, phpFiles], [mockRedis, phpRedis]] = await Promise.all([run('files'), run('redis')]);
      const files = difference(mockFiles, phpFiles);
      const redis = difference(mockRedis, phpRedis);
      const mockSummary =
        summary(mockFiles) === summary(mockRedis)
          ? summary(mockFiles)
          : `files: ${summary(mockFiles)}; redis: ${summary(mockRedis)}`;
      rows.push([scenario.name, mockSummary, files ?? 'equal', redis ?? 'equal']);
      expect({ files: phpFiles, redis: phpRedis }).toEqual({ files: mockFiles, redis: mockRedis });
    });
  }
});
