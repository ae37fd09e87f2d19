import { sql } from 'drizzle-orm';

import { formatRubles } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction, inTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { notify } from '../notifications/notify.js';
import { applyProviderStatus } from './apply-provider-status.js';
import { disableAutopay, nextMonthlyCharge } from './autopay-settings.js';
import { providerByName } from './get-provider.js';

/** Failed charges retry after 1 h, 6 h, 24 h; the 4th failure turns autopay off. */
export const AUTOPAY_RETRY_HOURS = [1, 6, 24];
const DAY = 24 * 3600_000;

/**
 * Announces upcoming charges (376-ФЗ: at least a day before, with a cancel link). Threshold mode: an
 * account under its threshold gets a charge planned 24 h after the notice. Monthly mode: the notice
 * goes out within 48 h of the charge; a late notice pushes the charge to 24 h after it.
 */
export async function announceAutopay(db: Db, deps: AppDeps, now = new Date()): Promise<number> {
  const rows = await queryRows<{
    account_id: number;
    number: string;
    mode: string;
    amount: number;
    title: string;
    charge_at: string | Date | null;
  }>(
    db,
    sql`select s.account_id, a.number, s.mode, s.amount, m.title, s.charge_at from autopay_settings s
        join accounts a on a.id = s.account_id join saved_payment_methods m on m.id = s.method_id
        where s.enabled and s.noticed_at is null and a.status <> 'terminated'
          and ((s.mode = 'threshold' and s.charge_at is null and a.balance < s.threshold)
            or (s.mode = 'monthly' and s.charge_at <= ${new Date(now.getTime() + 2 * DAY).toISOString()}::timestamptz))`,
  );
  for (const r of rows) {
    const planned = r.charge_at ? new Date(r.charge_at) : new Date(0);
    const chargeAt = new Date(Math.max(planned.getTime(), now.getTime() + DAY));
    await inTransaction(db, async (tx) => {
      await tx.execute(
        sql`update autopay_settings set noticed_at = ${now.toISOString()}, charge_at = ${chargeAt.toISOString()} where account_id = ${r.account_id}`,
      );
      await notify(tx, {
        accountId: r.account_id,
        template: 'autopay_notice',
        params: {
          date: chargeAt.toISOString().slice(0, 10),
          card: r.title,
          amount: formatRubles(r.amount),
          account: r.number,
          link: `${deps.config.publicUrl}/cabinet/payments#autopay`,
        },
      });
    });
  }
  return rows.length;
}

/** Charges every announced autopay that is due (notice at least 24 h old), within the monthly limit. */
export async function chargeDueAutopay(
  db: Db,
  deps: AppDeps,
  now = new Date(),
): Promise<{ charged: number; failed: number }> {
  assertNoTransaction(db, 'chargeDueAutopay: it charges cards at the provider between its steps');
  const due = await queryRows<{
    account_id: number;
    number: string;
    amount: number;
    monthly_limit: number;
    mode: string;
    day_of_month: number | null;
    failures: number;
    provider: string;
    method_ref: string;
    title: string;
    charge_at: string | Date;
    spent: number;
  }>(
    db,
    sql`select s.account_id, a.number, s.amount, s.monthly_limit, s.mode, s.day_of_month, s.failures, m.provider, m.method_ref, m.title, s.charge_at,
          (select coalesce(sum(p.amount), 0)::int8 from payments p where p.account_id = s.account_id and p.method = 'autopay'
             and p.status = 'succeeded' and p.created_at >= date_trunc('month', ${now.toISOString()}::timestamptz)) as spent
        from autopay_settings s join accounts a on a.id = s.account_id join saved_payment_methods m on m.id = s.method_id
        where s.enabled and s.noticed_at is not null and s.charge_at <= ${now.toISOString()}::timestamptz
          and s.noticed_at <= s.charge_at - interval '24 hours'`,
  );
  let charged = 0;
  let failed = 0;
  const link = `${deps.config.publicUrl}/cabinet/payments#autopay`;
  for (const s of due) {
    const next = s.mode === 'monthly' ? nextMonthlyCharge(s.day_of_month!, now).toISOString() : null;
    if (s.spent + s.amount > s.monthly_limit) {
      // Over this month's limit: skip this charge (no money taken) and plan the next one.
      await db.execute(
        sql`update autopay_settings set charge_at = ${next}, noticed_at = null where account_id = ${s.account_id}`,
      );
      continue;
    }
    const key = `autopay:${s.account_id}:${new Date(s.charge_at).toISOString()}:${s.failures}`;
    const ins = await queryRows<{ id: number }>(
      db,
      sql`insert into payments (account_id, provider, idempotency_key, amount, status, method, description)
          values (${s.account_id}, ${s.provider}, ${key}, ${s.amount}, 'pending', 'autopay', ${`Автоплатёж ${s.number}`})
          on conflict (idempotency_key) do nothing returning id`,
    );
    const [row] = ins.length
      ? ins
      : await queryRows<{ id: number }>(db, sql`select id from payments where idempotency_key = ${key}`);
    let ok: boolean;
    try {
      const seen = await providerByName(deps, s.provider).chargeSaved({
        amount: s.amount,
        description: `Автоплатёж ${s.number}`,
        idempotenceKey: `payment:${row!.id}`,
        paymentId: row!.id,
        methodRef: s.method_ref,
      });
      await db.execute(sql`update payments set external_id = ${seen.externalId} where id = ${row!.id}`);
      ok = (await applyProviderStatus(db, row!.id, seen)).status === 'succeeded';
    } catch {
      ok = false;
    }
    if (ok) {
      charged++;
      await db.execute(
        sql`update autopay_settings set failures = 0, noticed_at = null, charge_at = ${next} where account_id = ${s.account_id}`,
      );
      continue;
    }
    failed++;
    const failures = s.failures + 1;
    await inTransaction(db, async (tx) => {
      if (failures > AUTOPAY_RETRY_HOURS.length) {
        await disableAutopay(tx, s.account_id, 'charge_failed');
        await notify(tx, {
          accountId: s.account_id,
          template: 'autopay_disabled',
          params: { account: s.number, reason: 'card declined', link },
        });
        return;
      }
      const retryAt = new Date(now.getTime() + AUTOPAY_RETRY_HOURS[failures - 1]! * 3600_000).toISOString();
      await tx.execute(sql`update autopay_settings set failures = ${failures}, charge_at = ${retryAt}, noticed_at = least(noticed_at, ${now.toISOString()}::timestamptz - interval '24 hours')
                           where account_id = ${s.account_id}`);
      await notify(tx, {
        accountId: s.account_id,
        template: 'autopay_failed',
        params: { amount: formatRubles(s.amount), card: s.title, link },
      });
    });
  }
  return { charged, failed };
}
