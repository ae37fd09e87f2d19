import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';
import { addManualPayment } from '../ledger/add-manual-payment.js';
import { verifyLedger } from '../ledger/verify-ledger.js';

/**
 * The reconciliation view (docs/reports.md, "Reconciliation"): a provider's report for a channel and
 * day against what the ledger credited — exactly the payments that differ, each resolvable, audited.
 */
let t: TestContext;
let finance: Awaited<ReturnType<typeof buildStaff>>;
let support: Awaited<ReturnType<typeof buildStaff>>;
let acc: { id: number; number: string };
let today: string;

beforeAll(async () => {
  t = await createTestApp();
  finance = await buildStaff(t.database.db, { role: 'finance' });
  support = await buildStaff(t.database.db, { role: 'support' });
  acc = (await buildSubscriber(t.database.db, { balance: 0 })).account;
  [{ today } = { today: '' }] = await queryRows<{ today: string }>(
    t.database.db,
    sql`select (now() at time zone r.time_zone)::date::text as today
        from accounts a join regions r on r.id = a.region_id where a.id = ${acc.id}`,
  );
});
afterAll(() => t.close());

const balance = async () =>
  (await queryRows<{ b: number }>(t.database.db, sql`select balance as b from accounts where id = ${acc.id}`))[0]!.b;
const cash = (key: string, amount: number) =>
  addManualPayment(t.database.db, {
    accountNumber: acc.number,
    amount,
    key,
    provider: 'office_cash',
    method: 'cash',
    source: 'staff:1',
  });
const post = (url: string, payload: object, auth = finance.auth) =>
  t.app.inject({ method: 'POST', url, headers: auth, payload });

describe('office cash desk reconciliation', () => {
  let recId: number;
  let items: {
    id: number;
    kind: string;
    externalId: string;
    registryAmount: number | null;
    ourAmount: number | null;
  }[];

  it('a day list with a missing, an extra and a differing payment shows exactly those three', async () => {
    await cash('R-1', 100_000);
    await cash('R-2', 50_000);
    await cash('R-3', 20_000);
    // R-1 agrees, R-2 is 500.50 in the desk's list (we credited 500.00), R-3 is not in the list, R-4 we never credited.
    const report = [
      'receipt;account;sum;time',
      `R-1;${acc.number};1000.00;${today} 10:00`,
      `R-2;${acc.number};500.50;${today} 11:00:00`,
      `R-4;${acc.number};300.00;${today} 12:30`,
    ].join('\n');
    const res = await post('/api/staff/reconciliation', {
      channel: 'office_cash',
      day: today,
      report,
      fileName: 'z.csv',
    });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      channel: 'office_cash',
      kind: 'cash',
      day: today,
      registry: { count: 3, sum: 180_050, fee: null },
      ours: { count: 3, sum: 170_000 },
      open: 3,
      latest: true,
    });
    items = r.differences;
    expect(
      items
        .map((d) => [d.kind, d.externalId, d.registryAmount, d.ourAmount])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    ).toEqual([
      ['sum_mismatch', 'R-2', 50_050, 50_000],
      ['missing_in_registry', 'R-3', null, 20_000],
      ['missing_here', 'R-4', 30_000, null],
    ]);
    recId = r.id;

    const overview = await t.app.inject({
      method: 'GET',
      url: `/api/staff/reconciliation?from=${today}&to=${today}`,
      headers: finance.auth,
    });
    expect(overview.statusCode).toBe(200);
    const row = overview.json().channels.find((c: { channel: string }) => c.channel === 'office_cash');
    expect(row.days[0]).toEqual({
      day: today,
      ledger: { count: 3, sum: 170_000 },
      reconciliation: { id: recId, registry: { count: 3, sum: 180_050 }, differences: 3, open: 3 },
    });
  });

  it('is for finance only', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/staff/reconciliation?from=${today}&to=${today}`,
      headers: support.auth,
    });
    expect(res.statusCode).toBe(403);
  });

  it('finance resolves each difference: the missing payment credited once, the sum difference posted, the extra marked; audited', async () => {
    const byId = (x: string) => items.find((i) => i.externalId === x)!;
    const before = await balance();
    const noNote = await post(`/api/staff/reconciliation/items/${byId('R-4').id}/resolve`, {
      action: 'credit',
      note: ' ',
    });
    expect(noNote.statusCode).toBe(400);
    const wrong = await post(`/api/staff/reconciliation/items/${byId('R-3').id}/resolve`, {
      action: 'credit',
      note: 'x',
    });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.code).toBe('reconciliation_action_invalid');

    const credited = await post(`/api/staff/reconciliation/items/${byId('R-4').id}/resolve`, {
      action: 'credit',
      note: 'receipt found in the desk',
    });
    expect(credited.statusCode).toBe(200);
    expect(await balance()).toBe(before + 30_000);
    const again = await post(`/api/staff/reconciliation/items/${byId('R-4').id}/resolve`, {
      action: 'accept',
      note: 'x',
    });
    expect(again.statusCode).toBe(409);
    // The cashier entering the same receipt later credits nothing twice.
    const late = await cash('R-4', 30_000);
    expect(late.created).toBe(false);
    expect(await balance()).toBe(before + 30_000);

    expect(
      (
        await post(`/api/staff/reconciliation/items/${byId('R-2').id}/resolve`, {
          action: 'adjust',
          note: 'desk was right',
        })
      ).statusCode,
    ).toBe(200);
    expect(await balance()).toBe(before + 30_000 + 50);
    const last = await post(`/api/staff/reconciliation/items/${byId('R-3').id}/resolve`, {
      action: 'investigate',
      note: 'ask the cashier',
    });
    expect(last.statusCode).toBe(200);
    expect(last.json().open).toBe(0);
    expect(
      last
        .json()
        .differences.map((d: { status: string }) => d.status)
        .sort(),
    ).toEqual(['adjusted', 'credited', 'investigate']);

    const audit = await queryRows<{ action: string; actor_id: string }>(
      t.database.db,
      sql`select action, actor_id from audit_log where action like 'reconciliation.%' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'reconciliation.created',
      'reconciliation.resolved',
      'reconciliation.resolved',
      'reconciliation.resolved',
    ]);
    expect(audit.every((a) => String(a.actor_id) === String(finance.user.id))).toBe(true);
    const v = await verifyLedger(t.database.db);
    expect(v.mismatches).toEqual([]);
    expect(v.orphanEntries).toBe(0);

    // Loading the day's list again: now only the accepted differences remain, keeping their resolution.
    const report = [
      `R-1;${acc.number};1000.00;${today} 10:00`,
      `R-2;${acc.number};500.50;${today} 11:00`,
      `R-4;${acc.number};300.00;${today} 12:30`,
    ].join('\n');
    const redo = await post('/api/staff/reconciliation', { channel: 'office_cash', day: today, report });
    expect(redo.statusCode).toBe(200);
    expect(
      redo.json().differences.map((d: { externalId: string; status: string }) => [d.externalId, d.status]),
    ).toEqual([
      ['R-2', 'adjusted'],
      ['R-3', 'investigate'],
    ]);
    expect(redo.json().open).toBe(0);
  });

  it('refuses a report that is not the channel’s format or day', async () => {
    const res = await post('/api/staff/reconciliation', {
      channel: 'office_cash',
      day: today,
      report: `R-9;${acc.number};1.00;2001-01-01 10:00`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_provider_report');
    const unknown = await post('/api/staff/reconciliation', { channel: 'nope', day: today, report: 'x' });
    expect(unknown.json().error.code).toBe('reconciliation_channel_unknown');
  });
});

describe('agent registry reconciliation', () => {
  it('a registry with a missing, an extra and a differing payment shows exactly those three', async () => {
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const made = await post(
      '/api/staff/agents',
      { code: 'term', name: 'Terminals', allowedCidrs: ['127.0.0.1/32'] },
      admin.auth,
    );
    expect(made.statusCode).toBe(200);
    const basic = { authorization: `Basic ${Buffer.from(`term:${made.json().secret}`).toString('base64')}` };
    const compact = today.replace(/-/g, '');
    for (const [txn, sum] of [
      ['9001', '100.00'],
      ['9002', '200.00'],
      ['9003', '300.00'],
    ]) {
      const q = new URLSearchParams({
        command: 'pay',
        txn_id: txn!,
        txn_date: `${compact}101500`,
        account: acc.number,
        sum: sum!,
      });
      const res = await t.app.inject({ method: 'GET', url: `/api/agents/term/osmp?${q}`, headers: basic });
      expect(res.body).toContain('<result>0</result>');
    }
    const registry = [
      `9001;${acc.number};100.00;${compact}101500`,
      `9002;${acc.number};250.00;${compact}101500`,
      `9004;${acc.number};70.00;${compact}235959`,
    ].join('\n');
    const res = await post('/api/staff/reconciliation', { channel: 'agent:term', day: today, report: registry });
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .differences.map((d: { kind: string; externalId: string }) => [d.kind, d.externalId])
        .sort((a: string[], b: string[]) => a[1]!.localeCompare(b[1]!)),
    ).toEqual([
      ['sum_mismatch', '9002'],
      ['missing_in_registry', '9003'],
      ['missing_here', '9004'],
    ]);

    // The agent's commission (1.5 %) set by finance shows in the agents report over what it credited.
    const set = await t.app.inject({
      method: 'PATCH',
      url: '/api/staff/agents/term',
      headers: admin.auth,
      payload: { commissionBp: 150 },
    });
    expect(set.statusCode).toBe(200);
    const report = await t.app.inject({
      method: 'GET',
      url: `/api/staff/reports/agents?from=${today}&to=${today}`,
      headers: finance.auth,
    });
    expect(report.statusCode).toBe(200);
    const line = report.json().lines.find((l: { code: string }) => l.code === 'term');
    expect(line).toMatchObject({ count: 3, amount: 60_000, commissionBp: 150, commission: 900, due: 59_100 });
  });
});
