import { defineConfig } from 'vitest/config';

/** Run after the others, alone (vitest.alone.config.ts): they load the machine with several processes. */
export const ALONE_TESTS = ['server/cluster.test.ts', 'server/modules/billing/billing-runners.test.ts'];

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'common/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}', 'web/*.test.ts'],
    exclude: ['**/node_modules/**', ...ALONE_TESTS],
    globalSetup: ['server/test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
