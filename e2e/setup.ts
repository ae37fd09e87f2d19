import { afterEach } from 'vitest';

import { assertNoProblems } from './harness.js';

// Every end-to-end test fails on a console error, an uncaught page error or a 5xx answer it did not
// expect (e2e/harness.ts), whatever its own assertions say.
afterEach(() => {
  assertNoProblems();
});
