import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildRegion, buildSubscriber } from '../../test/factories.js';
import { runBilling } from '../billing/run-billing.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { setServiceStatus } from '../ledger/set-service-status.js';
import { notifyAccountEvents } from './notify-account-events.js';
import { render } from './templates.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const inbox = (accountId: number) =>
  queryRows<{ template: string; body: string }>(
    database.db,
    sql`select template, body from outbox where account_id = ${accountId} and channel = 'inbox' order by id`,
  );
const lowEvents = async (accountId: number) =>
  (
    await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from account_events where account_id = ${accountId} and kind = 'low_balance'`,
    )
  )[0]!.n;

/** 600 ₽ a month is 20 ₽ a day in November; each subscriber is alone in a region of its own. */
async function subscriber(balance: number) {
  const region = await buildRegion(database.db);
  const s = await buildSubscriber(database.db, { regionId: region.id, balance, monthlyFee: 60_000 });
  return { ...s, regionId: region.id };
}
const drain = async () => {
  while ((await notifyAccountEvents(database.db)) > 0) {
    /* until every event is handled */
  }
};

describe('low-balance notices a person can read', () => {
  it('days missed and caught up at once give one notice, in whole days', async () => {
    // 90 ₽: after 1, 2, 3 November 70, 50, 30 ₽ are left: 3, 2, 1 days of warnings in one catch-up.
    const s = await subscriber(9_000);
    await runBilling(database.db, { regionId: s.regionId, until: '2026-11-01' });
    await runBilling(database.db, { regionId: s.regionId, until: '2026-11-03' });
    expect(await lowEvents(s.account.id)).toBe(3);
    await drain();
    const notices = await inbox(s.account.id);
    // One notice, about the money as it is now: 30 ₽ covers one day of any month at 600 ₽.
    expect(notices).toEqual([
      {
        template: 'low_balance',
        body: `Средств на лицевом счёте ${s.account.number} хватит на 1 день. Пополните счёт, чтобы не остаться без интернета.`,
      },
    ]);
    await drain();
    expect(await inbox(s.account.id)).toHaveLength(1);
  });

  it('a day with the last money says service stops tomorrow', async () => {
    const s = await subscriber(3_000);
    await runBilling(database.db, { regionId: s.regionId, until: '2026-11-01' });
    await drain();
    expect((await inbox(s.account.id)).map((n) => n.template)).toEqual(['low_balance_tomorrow']);
  });

  it('no low-balance notice while voluntarily suspended, nor after a top-up', async () => {
    const suspended = await subscriber(9_000);
    const paid = await subscriber(9_000);
    for (const s of [suspended, paid]) await runBilling(database.db, { regionId: s.regionId, until: '2026-11-01' });
    await setServiceStatus(database.db, { accountId: suspended.account.id, change: 'suspend' });
    await creditPayment(database.db, {
      accountId: paid.account.id,
      amount: 60_000,
      idempotencyKey: `notice-${paid.account.id}`,
      source: 'test',
      effectiveOn: '2026-11-01',
    });
    await drain();
    // The suspension itself is told (its `suspended` event); no low-balance warning is.
    expect((await inbox(suspended.account.id)).map((n) => n.template)).toEqual(['suspended']);
    // The top-up itself is told; no low-balance warning is.
    expect((await inbox(paid.account.id)).map((n) => n.template)).toEqual(['payment_credited']);
    // And the daily run itself does not warn a suspended account.
    await runBilling(database.db, { regionId: suspended.regionId, until: '2026-11-02' });
    expect(await lowEvents(suspended.account.id)).toBe(1);
  });
});

describe('templates', () => {
  it('write numbers with the word form their language needs', () => {
    const ru = (days: number) => render('low_balance', 'ru', { account: '1', days }).text;
    const en = (days: number) => render('low_balance', 'en', { account: '1', days }).text;
    expect([1, 2, 5, 11, 21, 22].map((d) => /хватит на (.+?)\./.exec(ru(d))?.[1])).toEqual([
      '1 день',
      '2 дня',
      '5 дней',
      '11 дней',
      '21 день',
      '22 дня',
    ]);
    expect([1, 2].map((d) => /enough for (.+?)\./.exec(en(d))?.[1])).toEqual(['1 day', '2 days']);
  });
});
