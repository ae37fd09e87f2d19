import { defineConfig } from 'vitest/config';

import { slowFirst, testWorkers } from './vitest.shared.js';

/** Run after the others, alone (vitest.alone.config.ts): they load the machine with several processes. */
export const ALONE_TESTS = ['server/cluster.test.ts', 'server/modules/billing/billing-runners.test.ts'];

/**
 * Files that run the embedded database whatever DATABASE_URL says (the CLI test gives the binary a data
 * directory of its own): on PostgreSQL they would repeat the embedded pass exactly, so they run in that
 * pass only (docs/decisions/0025-test-tiers.md).
 */
export const EMBEDDED_ONLY_TESTS = ['server/cli.test.ts'];

/**
 * Files that need a fresh copy of the app's modules (decision 0030): a `vi.mock` is hoisted into the file's
 * own module graph, and a test that reads process-wide metrics over time wants only its own series. Every
 * other file shares its worker's modules with the files before it (`isolate: false`): importing the app
 * anew for each of 120 files took about a third of the tier's time.
 */
export const ISOLATED_TESTS = ['server/modules/auth/attempts.test.ts', 'server/metrics/dashboard-live.test.ts'];

const include = ['server/**/*.test.ts', 'common/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}', 'web/*.test.ts'];
const exclude = ['**/node_modules/**', ...ALONE_TESTS, ...(process.env.DATABASE_URL ? EMBEDDED_ONLY_TESTS : [])];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'shared', include, exclude: [...exclude, ...ISOLATED_TESTS], isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED_TESTS, exclude, isolate: true } },
    ],
    globalSetup: ['server/test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: testWorkers(1, 1),
    sequence: {
      sequencer: slowFirst([
        'server/modules/network/secret-rotation.test.ts',
        'server/modules/notifications/sms-billing-day.test.ts',
        'server/cli.test.ts',
        'server/modules/network/freeradius-outage.test.ts',
        'server/modules/network/freeradius.test.ts',
        'server/modules/profile/account-security.test.ts',
        'server/modules/auth/attempts.test.ts',
        'server/modules/network/abonent-killed.test.ts',
        'server/modules/ledger/money-concurrency.test.ts',
        'server/test/staff-role-sweep.test.ts',
        'server/test/api-fuzz.test.ts',
        'server/db/migrate.test.ts',
        'server/db/upgrade.test.ts',
      ]),
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
