import { defineConfig } from 'vitest/config';

// Each suite is a project so `npm test` can run the ones this machine supports:
// the unit suite always, the PHP, parity and browser suites when php and Chromium are installed.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'happy-dom',
          testTimeout: 15_000,
          // The public types, pinned by test/unit/*.test-d.ts, are checked with tsc as part of the unit suite.
          typecheck: { enabled: true, include: ['test/unit/**/*.test-d.ts'], spawnTimeout: 120_000 },
        },
      },
      {
        test: {
          name: 'php',
          include: ['test/php/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'parity',
          include: ['test/parity/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
