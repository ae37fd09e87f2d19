import { defineConfig } from 'vitest/config';

import { ALONE_TESTS } from './vitest.config.js';

/**
 * Tests that start several processes and put the whole machine under load (three app servers behind a
 * balancer, concurrent billing runners killed mid-day). On a 2-core machine they starve whatever runs
 * beside them, so `npm test` runs them after the rest, one file at a time (scripts/test.mjs).
 */
export default defineConfig({
  test: {
    include: ALONE_TESTS,
    globalSetup: ['server/test/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
