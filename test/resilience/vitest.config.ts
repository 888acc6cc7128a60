import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:resilience` (vitest run --config test/resilience/vitest.config.ts): the tests
 * that start Redress as child processes, kill them and stop databases under them. They take
 * minutes, not seconds, so they are not part of `npm test`; CI runs both (.ci/run). One file at
 * a time: each one loads the machine on its own.
 */
export default defineConfig({
  test: {
    root: join(import.meta.dirname, '..', '..'),
    include: ['test/resilience/**/*.resilience.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
  },
});
