import { defineConfig } from 'vitest/config';

// End-to-end specs: a real server (built web app, fresh database, job worker) and Debian's Chromium.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['server/test/global-setup.ts'],
    // After each test: fail it on any browser console error or 5xx answer (e2e/harness.ts).
    setupFiles: ['e2e/setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
