import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

import { queryRows } from '../../db/client.js';
import { tbankClient } from '../../deps.js';
import { buildStaff } from '../../test/factories.js';
import { startFakeTBank } from '../../test/fakes/tbank.js';
import { accountState, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';

/**
 * T-Bank's channel in the reconciliation (docs/reports.md): its side of the day is read from T-Bank's API
 * (CheckOrder of every order of the day) against the fake that answers as T-Bank does.
 */
const TERMINAL = 'AbonentTerminal02';
const PASSWORD = 'tbank-recon-password';
let tb: Awaited<ReturnType<typeof startFakeTBank>>;
let t: Awaited<ReturnType<typeof startPaymentsApp>>;
let finance: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  tb = await startFakeTBank({ terminalKey: TERMINAL, password: PASSWORD });
  t = await startPaymentsApp({
    PAYMENT_PROVIDERS: 'tbank',
    TBANK_TERMINAL_KEY: TERMINAL,
    TBANK_PASSWORD: PASSWORD,
    TBANK_API_URL: tb.url,
  });
  finance = await buildStaff(t.db, { role: 'finance' });
}, 180_000);
afterAll(async () => {
  await t.close();
  await tb.close();
});

async function topUp(rubles: string) {
  const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/me/payments',
    headers: s.auth,
    payload: { amount: rubles },
  });
  expect(res.statusCode, res.body).toBe(200);
  const paymentId = res.json().paymentId as number;
  const [row] = await queryRows<{ external_id: string }>(
    t.db,
    sql`select external_id from payments where id = ${paymentId}`,
  );
  return { ...s, paymentId, ext: row!.external_id };
}

describe('T-Bank reconciliation from its API', () => {
  it('a day with a missing, an extra and a differing payment shows exactly those three; the extra is credited once', async () => {
    const matched = await topUp('500');
    const notAtBank = await topUp('600');
    const differing = await topUp('1000');
    for (const p of [matched, notAtBank, differing]) await tb.payOnPage(p.ext);
    const extra = await topUp('700');
    // T-Bank's own records disagree afterwards: one payment reversed there, one with another amount, and one
    // it confirmed whose notice never reached us.
    tb.payments.get(notAtBank.ext)!.Status = 'REJECTED';
    tb.payments.get(differing.ext)!.Amount = 99_900;
    tb.payments.get(extra.ext)!.Status = 'CONFIRMED';
    const [{ day } = { day: '' }] = await queryRows<{ day: string }>(
      t.db,
      sql`select (now() at time zone 'Europe/Moscow')::date::text as day`,
    );

    const overview = await t.app.inject({
      method: 'GET',
      url: `/api/staff/reconciliation?from=${day}&to=${day}`,
      headers: finance.auth,
    });
    expect(overview.json().channels.find((c: { channel: string }) => c.channel === 'tbank')).toMatchObject({
      kind: 'acquirer',
      source: 'api',
      days: [{ day, ledger: { count: 3, sum: 210_000 }, reconciliation: null }],
    });

    const checks = tb.requests.filter((r) => r.method === 'CheckOrder').length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/reconciliation',
      headers: finance.auth,
      payload: { channel: 'tbank', day },
    });
    expect(res.statusCode, res.body).toBe(200);
    // One CheckOrder per order of the day, each signed like every T-Bank request.
    expect(tb.requests.filter((r) => r.method === 'CheckOrder').length - checks).toBe(4);
    const view = res.json();
    expect(view.registry).toMatchObject({ count: 3, sum: 50_000 + 99_900 + 70_000 });
    const diffs = view.differences.map((d: Record<string, unknown>) => ({
      kind: d.kind,
      externalId: d.externalId,
      registryAmount: d.registryAmount,
      ourAmount: d.ourAmount,
    }));
    expect(diffs.sort((a: { kind: string }, b: { kind: string }) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'missing_here', externalId: extra.ext, registryAmount: 70_000, ourAmount: null },
      { kind: 'missing_in_registry', externalId: notAtBank.ext, registryAmount: null, ourAmount: 60_000 },
      { kind: 'sum_mismatch', externalId: differing.ext, registryAmount: 99_900, ourAmount: 100_000 },
    ]);

    // Finance credits the payment T-Bank confirmed; T-Bank's late notice then credits nothing twice.
    const item = view.differences.find((d: { kind: string }) => d.kind === 'missing_here');
    const credited = await t.app.inject({
      method: 'POST',
      url: `/api/staff/reconciliation/items/${item.id}/resolve`,
      headers: finance.auth,
      payload: { action: 'credit', note: 'confirmed at T-Bank, notice lost' },
    });
    expect(credited.statusCode, credited.body).toBe(200);
    expect((await accountState(t.db, extra.account.id)).balance).toBe(70_000);
    await tb.notify(extra.ext);
    expect((await accountState(t.db, extra.account.id)).balance).toBe(70_000);
  });

  it('T-Bank not answering fails the load and stores nothing', async () => {
    const s = await topUp('300');
    // The same client with a 300 ms timeout instead of the default 15 s (only the wait is shorter).
    const client = t.deps.acquirers.tbank;
    t.deps.acquirers.tbank = tbankClient(t.config, 300);
    onTestFinished(() => {
      t.deps.acquirers.tbank = client;
      tb.plan.lostAnswers = 0;
    });
    tb.plan.lostAnswers = 1; // T-Bank takes the request and the answer never comes: the client's timeout
    const before = await queryRows(t.db, sql`select count(*)::int8 as n from reconciliations`);
    const [{ day } = { day: '' }] = await queryRows<{ day: string }>(
      t.db,
      sql`select (now() at time zone 'Europe/Moscow')::date::text as day`,
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/reconciliation',
      headers: finance.auth,
      payload: { channel: 'tbank', day },
    });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('reconciliation_provider_unavailable');
    expect(await queryRows(t.db, sql`select count(*)::int8 as n from reconciliations`)).toEqual(before);
    expect(s.ext).toBeTruthy();
  });
});
