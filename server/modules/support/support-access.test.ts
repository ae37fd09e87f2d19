import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';

/**
 * Every support route, read from the OpenAPI document (so a new route cannot be forgotten): who may
 * call it, and that malformed input gets a 4xx JSON error, never a 5xx.
 */
let t: TestContext;
let routes: { method: string; url: string; tag: string }[];
const tokens: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  for (const role of ['admin', 'support', 'operator', 'finance'] as const)
    tokens[role] = (await buildStaff(db, { role })).auth;
  tokens.subscriber = (await signedInSubscriber(t.app, db)).auth;
  const doc = t.app.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> };
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => op.tags?.some((tag) => tag.startsWith('support')))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        url: path.replace(/\{[^}]+\}/g, '1'),
        tag: op.tags!.find((tag) => tag.startsWith('support'))!,
      })),
  );
}, 180_000); // a fresh migrated database; slow on a loaded shared machine
afterAll(() => t.close());

const call = (r: { method: string; url: string }, headers: Record<string, string> = {}, payload?: unknown) =>
  t.app.inject({
    method: r.method as 'GET',
    url: r.url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as string }),
  });

describe('support routes: roles', () => {
  it('finds the staff, admin and subscriber routes', () => {
    const tags = new Set(routes.map((r) => r.tag));
    expect([...tags].sort()).toEqual(['support', 'support (admin)', 'support (staff)']);
    expect(routes.length).toBeGreaterThan(20);
  });

  it('staff routes: 401 without sign-in; 403 for subscribers, operators and finance; support and admin pass', async () => {
    for (const r of routes.filter((x) => x.tag !== 'support')) {
      const adminOnly = r.tag === 'support (admin)' && r.method !== 'GET';
      const reportOnly = r.url.includes('/report');
      expect((await call(r)).statusCode, `${r.method} ${r.url} anonymous`).toBe(401);
      for (const who of ['subscriber', 'operator', 'finance']) {
        expect((await call(r, tokens[who])).statusCode, `${r.method} ${r.url} ${who}`).toBe(403);
      }
      if (r.url.endsWith('/events')) continue; // a stream that stays open: see support-live.test.ts
      const asSupport = await call(r, tokens.support, r.method === 'GET' ? undefined : {});
      if (adminOnly || reportOnly) expect(asSupport.statusCode, `${r.method} ${r.url} support`).toBe(403);
      else expect([401, 403], `${r.method} ${r.url} support`).not.toContain(asSupport.statusCode);
      const asAdmin = await call(r, tokens.admin, r.method === 'GET' ? undefined : {});
      expect([401, 403], `${r.method} ${r.url} admin`).not.toContain(asAdmin.statusCode);
    }
  });

  it('subscriber routes: 401 without sign-in, 403 for staff', async () => {
    for (const r of routes.filter((x) => x.tag === 'support')) {
      expect((await call(r)).statusCode, `${r.method} ${r.url}`).toBe(401);
      expect((await call(r, tokens.admin)).statusCode, `${r.method} ${r.url}`).toBe(403);
    }
  });

  it('malformed input is a 4xx JSON error on every route, never a 5xx', async () => {
    const bodies: unknown[] = [
      'not json',
      [],
      { categoryId: 'x', text: 5, attachmentIds: 'a' },
      { text: 'x'.repeat(6000), attachmentIds: [1e300] },
      { assigneeId: -1, status: 'nope', answer: null, from: '2026-02-30', to: '', regionId: 2 ** 40 },
    ];
    for (const r of routes) {
      if (r.url.endsWith('/events')) continue;
      const who = r.tag === 'support' ? tokens.subscriber : tokens.admin;
      const urls = [r.url.replace(/\/1(\/|$)/g, '/99999999999$1'), r.url.replace(/\/1(\/|$)/g, '/-5$1')];
      if (r.method === 'GET') {
        const query = `${r.url}?categoryId=abc&from=x&to=y&page=0&status=zzz&before=1e999&regionId=${2 ** 40}`;
        for (const url of [...(r.url.includes('/1') ? urls : []), query]) {
          const res = await call({ method: 'GET', url }, who);
          expect(res.statusCode, `GET ${url}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.json().error.code, `GET ${url}`).toEqual(expect.any(String));
          else expect(url, 'only a route without parameters may ignore them').toBe(query);
        }
        continue;
      }
      for (const body of bodies) {
        const headers = { ...who, 'content-type': 'application/json' };
        const res = await call(r, headers, typeof body === 'string' ? body : JSON.stringify(body));
        expect(res.statusCode, `${r.method} ${r.url} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${r.method} ${r.url} ${JSON.stringify(body)}`).toBeLessThan(500);
        expect(res.json().error.code).toEqual(expect.any(String));
      }
    }
  });
});
