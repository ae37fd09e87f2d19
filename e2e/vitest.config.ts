import { defineConfig } from 'vitest/config';

import { slowFirst, testWorkers } from '../vitest.shared.js';

/**
 * On the embedded database (no DATABASE_URL) the end-to-end tier runs these files only: the quick start
 * (`npm start` on a fresh machine), the subscriber's cabinet, card payments and support — what a person
 * trying Abonent on its embedded database walks first, through the job queue and live updates that work
 * differently on PGlite. Every other file drives the same server code on PostgreSQL, the database ISPs
 * run, and what differs between the two databases is covered below the browser by the unit and
 * integration tier, which runs whole in both modes (docs/decisions/0025-test-tiers.md). E2E_ALL=1 runs
 * every file on PGlite too.
 */
const EMBEDDED_TIER = [
  'e2e/demo-start.e2e.test.ts',
  'e2e/cabinet.e2e.test.ts',
  'e2e/payments.e2e.test.ts',
  'e2e/support.e2e.test.ts',
];
const everyFile = Boolean(process.env.DATABASE_URL) || process.env.E2E_ALL === '1';
/**
 * The quick start runs on a fresh machine's embedded database whatever DATABASE_URL says: on PostgreSQL
 * it would repeat the embedded pass exactly, so it runs in that pass only.
 */
const EMBEDDED_ONLY = ['e2e/demo-start.e2e.test.ts'];

// End-to-end specs: a real server (built web app, fresh database, job worker) and Debian's Chromium.
// Each file starts its own server on a free port with its own database (cloned from the run's template),
// so files run side by side: one more than cores, the longest first (docs/testing.md).
export default defineConfig({
  test: {
    include: everyFile ? ['e2e/**/*.e2e.test.ts'] : EMBEDDED_TIER,
    exclude: ['**/node_modules/**', ...(process.env.DATABASE_URL ? EMBEDDED_ONLY : [])],
    globalSetup: ['server/test/global-setup.ts'],
    // After each test: fail it on any browser console error or 5xx answer (e2e/harness.ts).
    setupFiles: ['e2e/setup.ts'],
    pool: 'forks',
    // A worker imports the app and the harness once for all its files (decision 0030); each file still
    // starts its own server on its own database.
    isolate: false,
    maxWorkers: testWorkers(1, 1),
    sequence: {
      sequencer: slowFirst([
        'e2e/every-service.e2e.test.ts',
        'e2e/bulk-outages.e2e.test.ts',
        'e2e/services.e2e.test.ts',
        'e2e/cabinet.e2e.test.ts',
        'e2e/production-install.e2e.test.ts',
        'e2e/office.e2e.test.ts',
        'e2e/import.e2e.test.ts',
        'e2e/demo-start.e2e.test.ts',
      ]),
    },
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // expect.poll waits for what a page shows after a click; vitest's default of 1 s failed under load
    // (the support desk's status, three files at once beside a ledger bench). The outcome
    // asserted is the same: it only may take longer to arrive.
    expect: { poll: { timeout: 10_000 } },
  },
});
