import { spawn } from 'node:child_process';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Abonent, assertNoProblems, expectProblem, startAbonent, VIEWPORTS } from './harness.js';

// The harness's own check (e2e/harness.ts, run after every test by e2e/setup.ts): a console error, an
// uncaught page error, a 5xx the browser receives and a 5xx the server sends each fail it.
let a: Abonent;
beforeAll(async () => {
  a = await startAbonent();
});
afterAll(() => a?.close());

describe('the end-to-end check fails a test on any console error or 5xx', () => {
  it('a console error in a page', async () => {
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.evaluate(() => console.error('harness: a console error'));
    await ctx.close();
    expect(() => assertNoProblems()).toThrow(
      /console error on http:\/\/127\.0\.0\.1:\d+\/login: harness: a console error/,
    );
  });

  it('an uncaught error in a page', async () => {
    const ctx = await a.newContext(VIEWPORTS.phone);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('harness: uncaught');
      }),
    );
    await expect
      .poll(() => {
        try {
          assertNoProblems();
          return '';
        } catch (e) {
          return (e as Error).message;
        }
      })
      .toMatch(/uncaught error on .*harness: uncaught/);
    await ctx.close();
  });

  it('a 5xx answer the browser receives', async () => {
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.route('**/api/harness-probe', (r) => r.fulfill({ status: 503, body: 'down' }));
    expect(await page.evaluate(() => fetch('/api/harness-probe').then((r) => r.status))).toBe(503);
    await ctx.close();
    expect(() => assertNoProblems()).toThrow(
      /the browser got 503 for GET http:\/\/127\.0\.0\.1:\d+\/api\/harness-probe/,
    );
  });

  it('a 5xx the server sends, with the reason it logged', async () => {
    // A table gone from under the app: the public regions list fails inside the server.
    await a.db.execute(sql`alter table regions rename to regions_away`);
    try {
      const res = await a.app.inject({ method: 'GET', url: '/api/public/regions' });
      expect(res.statusCode).toBe(500);
    } finally {
      await a.db.execute(sql`alter table regions_away rename to regions`);
    }
    expect(() => assertNoProblems()).toThrow(/the server answered 500 to GET \/api\/public\/regions \(.*regions.*\)/s);
  });

  it('a problem a test causes on purpose passes once it is named; a named one that never happens fails', async () => {
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.evaluate(() => console.error('harness: on purpose'));
    await ctx.close();
    expectProblem(/harness: on purpose/);
    expect(() => assertNoProblems()).not.toThrow();
    expectProblem(/harness: never logged/);
    expect(() => assertNoProblems()).toThrow(/expected but did not happen: \/harness: never logged\//);
  });

  it('wired into every test: a spec whose assertions pass fails on its console error', async () => {
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['node_modules/vitest/vitest.mjs', 'run', '--config', 'e2e/fixtures/vitest.config.ts', '--reporter', 'verbose'],
        { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      );
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(run.code, run.out).toBe(1);
    expect(run.out).toMatch(/×.*a page that logs a console error/);
    expect(run.out).toMatch(/✓.*a clean page/);
    expect(run.out).toContain('console error on about:blank: fixture: something broke');
    expect(run.out).toMatch(/Tests\s+1 failed \| 1 passed/);
  }, 90_000);
});
