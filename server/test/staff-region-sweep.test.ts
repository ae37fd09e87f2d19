import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays, todayIn } from '../../common/dates.js';
import { queryRows } from '../db/client.js';
import type { StaffRole } from '../db/schema/index.js';
import { takePromisedPayment } from '../modules/payments/promised-payment.js';
import { notFoundOf, type ResourceKind } from '../policy/region-scope.js';
import { createTestApp, type TestContext } from './app.js';
import { buildStaff, buildSubscriber } from './factories.js';
import { type Operation, operationsOf, sample } from './fuzz/openapi-fuzz.js';
import { buildTwoRegions, type TwoRegions } from './two-regions.js';

/**
 * The region-scope sweep (issue 26): every staff operation of /api/openapi.json, called by a staff
 * member of region A with B's ids in the path and B steered to in the query, must not show or touch
 * anything of B — a route on one row answers its "not found", a list leaves B's rows out, ISP-wide work
 * is refused. The same call by a member of region B is the control: it does reach B's data. Nothing
 * here names a route: a staff route added tomorrow is swept tomorrow (and cannot exist without a
 * region rule: server/plugins/route-policy.ts refuses to start).
 */
let t: TestContext;
let w: TwoRegions;
/** Staff sessions by `role:region`, made once. */
const staffOf = new Map<string, Record<string, string>>();
let ops: (Operation & { roles: StaffRole[]; scope: string })[];

beforeAll(async () => {
  t = await createTestApp();
  w = await buildTwoRegions(t);
  // B's operator in the sweep is the one who signed B's contract (only the signer gets its PDF).
  staffOf.set(`operator:${w.b.id}`, w.signer.auth);
  // A debtor of B with a promised payment: the finance reports of B's staff have a line to show.
  const debtor = await buildSubscriber(t.database.db, { regionId: w.b.id, balance: -20_000 });
  await takePromisedPayment(t.database.db, debtor.account.id);
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  const raw = doc.paths as Record<string, Record<string, { 'x-roles'?: StaffRole[]; 'x-region-scope'?: string }>>;
  ops = operationsOf(doc)
    .filter((op) => raw[op.path]![op.method.toLowerCase()]!['x-roles'])
    .map((op) => {
      const x = raw[op.path]![op.method.toLowerCase()]!;
      return { ...op, roles: x['x-roles']!, scope: x['x-region-scope']! };
    });
}, 300_000);
afterAll(() => t?.close());

/** B's row behind a path parameter, by the path it appears in. */
function pathValue(path: string, name: string): number | string | undefined {
  const ids = w.ids;
  if (name === 'accountId') return ids.account;
  if (name === 'sessionId') return ids.session;
  if (name === 'suspensionId') return ids.suspension;
  if (name === 'serviceId') return w.serviceB.id;
  if (name === 'paymentId') return ids.payment;
  if (name === 'receiptId') return ids.receipt;
  if (name === 'regionId') return w.b.id;
  if (name === 'code') return 'no-such-agent';
  if (name === 'report') return 'turnover';
  // Reconciliation is for staff of every region: refused before any row is read.
  if (name === 'itemId') return 1;
  if (name === 'linkId') return ids.messengerLink;
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
    ['/api/staff/network/escalations/', ids.escalation],
    ['/api/staff/outages/', ids.outage],
    ['/api/staff/bulk/', ids.bulk],
    ['/api/staff/reconciliation/', 1],
  ];
  return byPrefix.find(([p]) => path.startsWith(p))?.[1];
}

/** Bodies a sample of the schema would not pass (refinements), so the region check is what answers. */
const REAL_BODIES: Record<string, () => unknown> = {
  '/api/staff/accounts/{id}/network': () => ({ macBinding: false }),
};

/** Query values that point at B where a filter allows it; the required rest sampled from the schema. */
function queryFor(op: Operation): string {
  const today = todayIn('Europe/Moscow');
  const q = new URLSearchParams();
  for (const p of op.parameters.filter((x) => x.in === 'query')) {
    const v =
      p.name === 'regionId'
        ? w.b.id
        : p.name === 'account' || p.name === 'q'
          ? w.subB.account.number
          : p.name === 'from'
            ? addDays(today, -30)
            : p.name === 'to' || p.name === 'day' || p.name === 'asOf'
              ? today
              : p.name === 'format'
                ? 'csv'
                : p.required
                  ? sample(p.schema)
                  : undefined;
    if (v !== undefined) q.set(p.name, typeof v === 'string' ? v : JSON.stringify(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Every region named in a body, at any depth, set to B (`area.regionId`, a filter's `regionIds`). */
function steerToB(v: unknown) {
  if (!v || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  if ('regionId' in o) o.regionId = w.b.id;
  if (Array.isArray(o.regionIds)) o.regionIds = [w.b.id];
  Object.values(o).forEach(steerToB);
}

function requestFor(op: Operation) {
  const url =
    op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = pathValue(op.path, name);
      if (v === undefined) throw new Error(`${op.method} ${op.path}: no B value for {${name}}`);
      return String(v);
    }) + queryFor(op);
  let payload: string | undefined;
  if (op.body?.contentType === 'application/json') {
    // The schema's sample, or a real one where sampled values would not pass the schema's checks.
    const real = REAL_BODIES[op.path]?.() ?? (w.bodies[op.path] ? structuredClone(w.bodies[op.path]) : undefined);
    const body = (real ?? sample(op.body.schema)) as Record<string, unknown>;
    steerToB(body);
    payload = JSON.stringify(body);
  }
  return { method: op.method as 'GET', url, payload, contentType: op.body?.contentType };
}

async function staff(role: StaffRole, regionId: number) {
  const key = `${role}:${regionId}`;
  if (!staffOf.has(key)) staffOf.set(key, (await buildStaff(t.database.db, { role, regions: [regionId] })).auth);
  return staffOf.get(key)!;
}

/** The least privileged role the route lets in (administrators see every region anyway). */
const roleFor = (roles: StaffRole[]) => (['operator', 'support', 'finance'] as const).find((r) => roles.includes(r));

async function call(op: Operation, auth: Record<string, string>) {
  const r = requestFor(op);
  const res = await t.app.inject({
    method: r.method,
    url: r.url,
    headers: { ...auth, ...(r.contentType ? { 'content-type': r.contentType } : {}) },
    payload: r.payload,
  });
  return { status: res.statusCode, body: res.body, code: /"code":"(\w+)"/.exec(res.body)?.[1] };
}

/**
 * B's data as it stands: everything an unsafe call could change. A tag is an ISP-wide name (any
 * region's staff may add one, a `none` route), so its audit rows are not B's.
 */
async function stateOfB(): Promise<string> {
  const acc = w.ids.account;
  const rows = await queryRows<{ s: unknown }>(
    t.database.db,
    sql`select json_build_object(
          'audit', (select count(*) from audit_log where entity <> 'tag'),
          'account', (select row_to_json(x) from (select balance, status, credit_limit from accounts where id = ${acc}) x),
          'subs', (select json_agg(row_to_json(x) order by x.id) from (select id, tariff_id, service_id, ends_on, pending_tariff_id from subscriptions where account_id = ${acc}) x),
          'tickets', (select json_agg(row_to_json(x)) from (select status, assignee_id, unread_staff from support_tickets where account_id = ${acc}) x),
          'messages', (select count(*) from support_messages m join support_tickets k on k.id = m.ticket_id where k.account_id = ${acc}),
          'suspensions', (select json_agg(status order by id) from suspensions where account_id = ${acc}),
          'visits', (select json_agg(status order by id) from termination_visits where account_id = ${acc}),
          'mobile', (select json_agg(status order by id) from mobile_requests where account_id = ${acc}),
          'refunds', (select count(*) from payment_refunds),
          'receipts', (select json_agg(row_to_json(x)) from (select status, attempt from receipts where id = ${w.ids.receipt}) x),
          'access', (select json_agg(row_to_json(x)) from (select login, password_enc, static_ip from network_access where account_id = ${acc}) x),
          'sessions', (select json_agg(stopped_at) from radius_sessions where account_id = ${acc}),
          'jobs', (select count(*) from jobs),
          'contracts', (select count(*) from contracts)
        ) as s`,
  );
  return JSON.stringify(rows[0]!.s);
}

describe('region scope over every staff route', () => {
  it('an A-region member never reads or changes B’s subscribers; a B-region member does', async () => {
    const before = await stateOfB();
    const problems: string[] = [];
    /** The same calls by staff of B, run after B's state is compared (opening a ticket marks it read). */
    const controls: (() => Promise<void>)[] = [];
    const swept: Record<string, string[]> = {};
    const leaks = (body: string) => [...w.markers, `"regionId":${w.b.id},`].filter((m) => body.includes(m));
    for (const op of ops) {
      const what = `${op.method} ${op.path} [${op.scope}]`;
      if (op.scope === 'admin') {
        // Administrators see every region; such a route admits nobody else.
        if (op.roles.join() !== 'admin') problems.push(`${what}: scope admin but roles ${op.roles.join()}`);
        (swept.admin ??= []).push(what);
        continue;
      }
      const role = roleFor(op.roles);
      if (!role) {
        problems.push(`${what}: no role but admin, yet scope ${op.scope}`);
        continue;
      }
      if (op.path.endsWith('/events')) {
        // A stream never ends under inject: server/modules/support/support-live.test.ts sweeps it.
        if (op.scope !== 'filtered') problems.push(`${what}: a stream must be filtered`);
        (swept.stream ??= []).push(what);
        continue;
      }
      const res = await call(op, await staff(role, w.a.id));
      (swept[op.scope.split(':')[0]!] ??= []).push(what);
      const found = leaks(res.body);
      if (found.length > 0) problems.push(`${what} as ${role} of A: shows ${found.join(', ')}`);
      if (res.status >= 500) problems.push(`${what} as ${role} of A: ${res.status}`);
      const [kind, param] = op.scope.split(':') as [string, string?];
      if (kind === 'every-region') {
        if (res.status !== 403) problems.push(`${what}: ${res.status} ${res.code}, want 403 for staff of one region`);
      } else if (kind === 'filtered') {
        // A filtered write (a bulk operation's preview or creation) narrows its own selection to the
        // caller's regions: steered to B it shows nothing of B, and B's state below proves it changed nothing.
        if (op.method !== 'GET') continue;
        if (res.status !== 200) problems.push(`${what} as ${role} of A: ${res.status} ${res.body.slice(0, 200)}`);
        const mine = await call(op, await staff(role, w.b.id));
        const shown = mine.status === 200 && (leaks(mine.body).length > 0 || op.path === '/api/staff/service-queues');
        if (!shown)
          problems.push(`${what} as ${role} of B: does not show B (${mine.status} ${mine.body.slice(0, 160)})`);
        if (op.path === '/api/staff/service-queues') {
          const zero = Object.values(JSON.parse(res.body) as Record<string, number>).every((n) => n === 0);
          const some = Object.values(JSON.parse(mine.body) as Record<string, number>).some((n) => n > 0);
          if (!zero || !some) problems.push(`${what}: A sees ${res.body}, B sees ${mine.body}`);
        }
      } else if (kind === 'body' || (param && kind !== 'self')) {
        const want = kind === 'body' ? 'region_not_found' : notFoundOf(kind as ResourceKind);
        if (res.status !== 404 || res.code !== want)
          problems.push(`${what} as ${role} of A: ${res.status} ${res.code}, want 404 ${want}`);
        if (op.method === 'GET')
          controls.push(async () => {
            const mine = await call(op, await staff(role, w.b.id));
            if (mine.status !== 200)
              problems.push(`${what} as ${role} of B: ${mine.status} ${mine.body.slice(0, 160)}`);
          });
      } else if (kind !== 'none' && kind !== 'self') {
        problems.push(`${what}: unknown scope`);
      }
    }
    // Nothing of B changed: every unsafe call above was refused before it acted.
    expect(await stateOfB()).toBe(before);
    for (const control of controls) await control();
    expect(problems).toEqual([]);
    // The sweep saw every kind of rule, and many routes of the row kind.
    const kinds = Object.fromEntries(Object.entries(swept).map(([k, v]) => [k, v.length]));
    expect(Object.keys(kinds).sort()).toEqual(
      expect.arrayContaining(['account', 'admin', 'body', 'every-region', 'filtered', 'none', 'stream', 'ticket']),
    );
    expect(kinds.account).toBeGreaterThan(20);
    expect(kinds.filtered).toBeGreaterThan(12);
    expect(ops.length).toBeGreaterThan(90);
  }, 300_000);

  it('a member of no region sees nothing, and one of both regions sees both', async () => {
    const none = (await buildStaff(t.database.db, { role: 'operator', regions: [] })).auth;
    const both = (await buildStaff(t.database.db, { role: 'operator', regions: [w.a.id, w.b.id] })).auth;
    const search = (auth: Record<string, string>, q: string) =>
      t.app.inject({ url: `/api/staff/accounts?q=${q}`, headers: auth }).then((r) => r.json().accounts as unknown[]);
    expect(await search(none, w.subB.account.number)).toEqual([]);
    expect(await search(both, w.subB.account.number)).toHaveLength(1);
    expect(await search(both, w.subA.account.number)).toHaveLength(1);
    const regions = (auth: Record<string, string>) =>
      t.app
        .inject({ url: '/api/staff/regions', headers: auth })
        .then((r) => (r.json().regions as { id: number }[]).map((x) => x.id).sort());
    expect(await regions(none)).toEqual([]);
    expect(await regions(both)).toEqual([w.a.id, w.b.id].sort());
    expect((await t.app.inject({ url: `/api/staff/accounts/${w.ids.account}`, headers: none })).statusCode).toBe(404);
  });
});
