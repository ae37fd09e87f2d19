import { sql } from 'drizzle-orm';

import { addDays } from '../../common/dates.js';
import { type Db, queryRows } from '../db/client.js';
import { agents } from '../db/schema/index.js';
import { chargeBatch } from '../modules/billing/charge-batch.js';
import { addManualPayment } from '../modules/ledger/add-manual-payment.js';
import { creditPayment, lockForCredit } from '../modules/ledger/credit-payment.js';
import { postEntry } from '../modules/ledger/post-entry.js';
import { buildRegion, buildService, buildSubscriber } from './factories.js';

/**
 * A few months of an ISP's money for the finance tests: two regions, accounts charged every day by the
 * real charge statement, payments through several channels (office cash, an acquirer, an agent), a
 * refund, a correction, a debtor. Days are in 2024, far from the partitions the migration makes, so
 * the caller makes that year's partitions first.
 */
export async function buildFinanceHistory(db: Db, opts: { from: string; until: string; agentCode?: string }) {
  const north = await buildRegion(db, { nameRu: 'Северный', nameEn: 'North' });
  const south = await buildRegion(db, { nameRu: 'Южный', nameEn: 'South' });
  const payer = await buildSubscriber(db, {
    regionId: north.id,
    monthlyFee: 60_000,
    startsOn: opts.from,
    balance: 100_000,
    fullName: 'Петров Пётр Петрович',
  });
  const ip = await buildService(db, { regionId: north.id, monthlyFee: 15_000 });
  await db.execute(
    sql`insert into subscriptions (account_id, kind, service_id, monthly_fee, starts_on)
        values (${payer.account.id}, 'service', ${ip.id}, ${ip.monthlyFee}, ${opts.from}::date)`,
  );
  const debtor = await buildSubscriber(db, {
    regionId: north.id,
    monthlyFee: 45_000,
    startsOn: opts.from,
    balance: 20_000,
    fullName: 'Сидоров Сидор Сидорович',
  });
  const other = await buildSubscriber(db, {
    regionId: south.id,
    monthlyFee: 90_000,
    startsOn: opts.from,
    balance: 300_000,
    fullName: 'Кузнецова Анна Сергеевна',
  });
  const code = opts.agentCode ?? `ag${Date.now().toString(36)}`;
  const [agent] = await db
    .insert(agents)
    .values({ code, name: 'Терминалы Север', secretHash: 'x'.repeat(64), commissionBp: 150 })
    .returning();

  let n = 0;
  const credits: { channel: string; accountId: number; day: string; amount: number }[] = [];
  for (let day = opts.from; day < opts.until; day = addDays(day, 1)) {
    for (const r of [north, south]) {
      await db.execute(
        sql`insert into billing_days (region_id, day, state) values (${r.id}, ${day}::date, 'running') on conflict do nothing`,
      );
      await chargeBatch(db, { regionId: r.id, day, fromId: 0, toId: Number.MAX_SAFE_INTEGER });
    }
    const dom = Number(day.slice(8, 10));
    if (dom === 5) {
      await addManualPayment(db, {
        accountNumber: payer.account.number,
        amount: 75_000,
        key: `cash-${++n}`,
        provider: 'office_cash',
        method: 'cash',
        source: 'staff:1',
        effectiveOn: day,
      });
      credits.push({ channel: 'office_cash', accountId: payer.account.id, day, amount: 75_000 });
    }
    if (dom === 12) {
      await addManualPayment(db, {
        accountNumber: other.account.number,
        amount: 90_000,
        key: `yk-${++n}`,
        provider: 'yookassa',
        method: 'card',
        source: 'provider:yookassa',
        effectiveOn: day,
      });
      credits.push({ channel: 'yookassa', accountId: other.account.id, day, amount: 90_000 });
    }
    if (dom === 20) {
      await agentPayment(db, { code, accountId: payer.account.id, txnId: `${++n}`, amount: 12_345, day });
      credits.push({ channel: `agent:${code}`, accountId: payer.account.id, day, amount: 12_345 });
    }
  }
  // A refund and a correction in the south, a bonus in the north.
  await postEntry(db, {
    accountId: other.account.id,
    kind: 'refund',
    amount: -5_000,
    effectiveOn: addDays(opts.from, 40),
    source: 'test',
    idempotencyKey: 'refund:test-1',
    comment: 'refund',
  });
  await postEntry(db, {
    accountId: other.account.id,
    kind: 'adjustment',
    amount: 1_111,
    effectiveOn: addDays(opts.from, 50),
    source: 'test',
    idempotencyKey: 'adjustment:test-1',
    comment: 'fix',
  });
  await postEntry(db, {
    accountId: payer.account.id,
    kind: 'bonus',
    amount: 2_500,
    effectiveOn: addDays(opts.from, 45),
    source: 'test',
    idempotencyKey: 'bonus:test-1',
    comment: 'bonus',
  });
  return { north, south, payer, debtor, other, agent: agent!, credits };
}

/** A terminal payment as osmp-pay credits it: the payment row and the ledger entry share the key. */
export async function agentPayment(
  db: Db,
  p: { code: string; accountId: number; txnId: string; amount: number; day: string },
) {
  const key = `agent:${p.code}:${p.txnId}`;
  const locked = await lockForCredit(db, { accountId: p.accountId }, p.day);
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`insert into payments (account_id, provider, external_id, idempotency_key, amount, status, method, metadata, succeeded_at)
        values (${p.accountId}, ${`agent:${p.code}`}, ${p.txnId}, ${key}, ${p.amount}, 'succeeded', 'terminal',
                ${JSON.stringify({ txnDay: p.day, txnDate: `${p.day.replace(/-/g, '')}120000` })}::jsonb, ${`${p.day}T09:00:00Z`}::timestamptz)
        returning id`,
  );
  await creditPayment(
    db,
    {
      accountId: p.accountId,
      amount: p.amount,
      idempotencyKey: key,
      source: `agent:${p.code}`,
      effectiveOn: p.day,
      alongside: (c) => [
        sql`update payments set ledger_entry_id = c.entry_id from ${c} c where payments.id = ${row!.id}`,
      ],
    },
    locked,
  );
  return row!.id;
}
