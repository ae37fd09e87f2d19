import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { STAFF_ROLES, type StaffRole } from '../db/schema/index.js';
import { createSession } from '../modules/auth/sessions.js';
import { createTestApp, type TestContext } from './app.js';
import { buildStaff } from './factories.js';
import { type Operation, operationsOf, requestsFor } from './fuzz/openapi-fuzz.js';
import { buildTwoRegions, type TwoRegions } from './two-regions.js';

/**
 * The role sweep (issue 26): every operation of /api/openapi.json that carries `x-roles` is called as
 * each staff role, signed out and as a subscriber, and each answer is checked against the contract: a
 * role the contract lists gets past the guard (any answer but 401/403), every other role gets 403, a
 * caller without a session 401, a subscriber 403. Every /api/staff/ operation must carry `x-roles`.
 * Each call is made by a fresh staff member of every region, so one call (deactivating someone, ending
 * sessions) cannot blind the next.
 */
let t: TestContext;
let w: TwoRegions;
let base: string;
let doc: {
  paths: Record<string, Record<string, { 'x-roles'?: StaffRole[] }>>;
};

beforeAll(async () => {
  // The disconnect route waits for a NAS that is not there: 100 ms a try, not the default 1 s.
  t = await createTestApp({ RADIUS_COA_TIMEOUT_MS: 100 });
  w = await buildTwoRegions(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
}, 300_000);
afterAll(() => t?.close());

const GUARD = new Set(['unauthorized', 'forbidden', 'password_change_required']);

/** Real rows of region B where a path names one (an id that exists reaches the handler's work). */
function pathValue(path: string, name: string): string | undefined {
  const ids = w.ids;
  const v: Record<string, number> = {
    accountId: ids.account,
    sessionId: ids.session,
    suspensionId: ids.suspension,
    serviceId: w.serviceB.id,
    paymentId: ids.payment,
    receiptId: ids.receipt,
    regionId: w.b.id,
  };
  if (name in v) return String(v[name]);
  if (name !== 'id') return undefined;
  const byPrefix: [string, number][] = [
    ['/api/staff/accounts/', ids.account],
    ['/api/staff/support/tickets/', ids.ticket],
    ['/api/staff/support/attachments/', ids.attachment],
    ['/api/staff/suspensions/', ids.suspension],
    ['/api/staff/termination-visits/', ids.visit],
    ['/api/staff/mobile-requests/', ids.mobileRequest],
    ['/api/staff/contracts/', ids.contract],
    ['/api/staff/regions/', w.b.id],
    ['/api/staff/offices/', ids.office],
    ['/api/staff/promotions/', ids.promotion],
    ['/api/staff/nas/', ids.nas],
  ];
  const hit = byPrefix.find(([p]) => path.startsWith(p));
  return hit ? String(hit[1]) : undefined;
}

type Caller = 'anonymous' | 'subscriber' | StaffRole;

async function headersOf(who: Caller): Promise<Record<string, string>> {
  if (who === 'anonymous') return {};
  if (who === 'subscriber') {
    const { token } = await createSession(t.database.db, { type: 'subscriber', contractId: w.subA.contract.id });
    return { authorization: `Bearer ${token}` };
  }
  return (await buildStaff(t.database.db, { role: who, regions: 'all' })).auth;
}

/** Status and error code of the baseline request; a live stream is read up to its headers only. */
async function call(op: Operation, who: Caller): Promise<{ status: number; code?: string }> {
  const [r] = requestsFor(op, { pathValues: (o, name) => pathValue(o.path, name), light: true });
  const headers = { ...r!.headers, ...(await headersOf(who)) };
  if (op.path.endsWith('/events')) {
    const ctrl = new AbortController();
    const res = await fetch(base + r!.url, { headers, signal: ctrl.signal });
    const body = res.headers.get('content-type')?.includes('json') ? await res.text() : '';
    ctrl.abort();
    return { status: res.status, code: /"code":"(\w+)"/.exec(body)?.[1] };
  }
  const res = await t.app.inject({ method: r!.method as 'GET', url: r!.url, headers, payload: r!.payload });
  return { status: res.statusCode, code: /"code":"(\w+)"/.exec(res.body)?.[1] };
}

describe('roles over every staff route', () => {
  it('answers every role as the contract’s x-roles say', async () => {
    const ops = operationsOf(doc as Parameters<typeof operationsOf>[0]);
    const staffOps = ops.filter((op) => doc.paths[op.path]![op.method.toLowerCase()]!['x-roles']);
    // Nothing under /api/staff/ escapes the contract.
    expect(ops.filter((op) => op.path.startsWith('/api/staff/') && !staffOps.includes(op)).map((o) => o.path)).toEqual(
      [],
    );
    expect(staffOps.length).toBeGreaterThan(90);
    const problems: string[] = [];
    const seen = { allowed: 0, refused: 0 };
    for (const op of staffOps) {
      const roles = doc.paths[op.path]![op.method.toLowerCase()]!['x-roles']!;
      const what = `${op.method} ${op.path} [${roles.join(',')}]`;
      if (!roles.includes('admin')) problems.push(`${what}: administrators must pass every staff guard`);
      for (const who of ['anonymous', 'subscriber', ...STAFF_ROLES] as const) {
        const res = await call(op, who);
        const guarded = GUARD.has(res.code ?? '');
        if (who === 'anonymous') {
          if (res.status !== 401 || res.code !== 'unauthorized') problems.push(`${what} signed out: ${res.status}`);
        } else if (who === 'subscriber' || !roles.includes(who)) {
          seen.refused++;
          if (res.status !== 403 || res.code !== 'forbidden')
            problems.push(`${what} as ${who}: ${res.status} ${res.code}`);
        } else {
          seen.allowed++;
          if (guarded || res.status >= 500) problems.push(`${what} as ${who}: ${res.status} ${res.code}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(seen.allowed).toBeGreaterThan(150);
    expect(seen.refused).toBeGreaterThan(200);
  }, 600_000);
});
