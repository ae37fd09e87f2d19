import { sql } from 'drizzle-orm';

import { daysLeft, LOW_BALANCE_DAYS } from '../../../common/days-left.js';
import { formatRubles } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { PeriodicTask } from '../../jobs/scheduler.js';
import { spendable } from '../ledger/coverage.js';
import { notify } from './notify.js';

const BATCH = 500;

/** 2026-12-01 → 01.12.2026 (dates in notices). */
const ruDate = (day: string) => day.split('-').reverse().join('.');

interface ClaimedEvent {
  id: number;
  account_id: number;
  kind: 'blocked' | 'unblocked' | 'low_balance' | 'suspended' | 'resumed' | 'tariff_changed' | 'payment_credited';
  data: Record<string, unknown>;
  number: string;
  status: string;
  balance: number;
  /** balance + credit limit + promised credit (coverage.ts). */
  money: number;
  /** Today in the account's region. */
  today: string;
  warn_days: number;
  /** Monthly fees of the subscriptions in force tomorrow. */
  fees: number[];
  tariff_ru: string | null;
  tariff_en: string | null;
}

/**
 * Turns account events from billing and payments (blocked, unblocked, low balance) into notices a
 * person can read, one per event. Events are claimed with SKIP LOCKED and marked notified in the same
 * transaction as the notices, so each is told once however many servers run this.
 *
 * Low balance is told as it is NOW, not as it was when the event was written:
 * - only the newest low-balance event of an account counts; older ones (days missed and caught up at
 *   once, or followed by a block) are marked superseded without a notice;
 * - no notice unless the account is active now (not suspended, blocked or terminated) and its money
 *   still covers at most the region's warning days — computed now, in whole days, by the same rule
 *   as the cabinet (common/days-left.ts): a payment since then, or a suspension, cancels the warning.
 * Returns how many events were handled.
 */
export async function notifyAccountEvents(db: Db): Promise<number> {
  return inTransaction(db, async (tx) => {
    await tx.execute(
      sql`update account_events e set notified_at = now(), data = e.data || '{"superseded": true}'::jsonb
          where e.kind = 'low_balance' and e.notified_at is null
            and exists (select 1 from account_events n
                        where n.account_id = e.account_id and n.id > e.id and n.kind in ('low_balance', 'blocked'))`,
    );
    const events = await queryRows<ClaimedEvent>(
      tx,
      sql`select e.id, e.account_id, e.kind, e.data, a.number, a.status, a.balance, ${spendable('a')} as money,
                 (now() at time zone r.time_zone)::date::text as today,
                 coalesce((r.settings->>'lowBalanceDays')::int, ${LOW_BALANCE_DAYS}) as warn_days,
                 array(select s.monthly_fee from subscriptions s
                       where s.account_id = a.id and s.starts_on <= (now() at time zone r.time_zone)::date + 1
                         and (s.ends_on is null or s.ends_on > (now() at time zone r.time_zone)::date)) as fees,
                 t.name_ru as tariff_ru, t.name_en as tariff_en
          from account_events e join accounts a on a.id = e.account_id join regions r on r.id = a.region_id
            left join tariffs t on e.kind = 'tariff_changed' and t.id = (e.data->>'tariffId')::int
          where e.notified_at is null
            and e.kind in ('blocked', 'unblocked', 'low_balance', 'suspended', 'resumed', 'tariff_changed', 'payment_credited')
          order by e.id limit ${BATCH}
          for update of e skip locked`,
    );
    // A payment that unblocked the account says both in one notice ("payment credited, access is back").
    const unblockedBy = new Set(events.filter((e) => e.kind === 'unblocked').map((e) => e.account_id));
    const paidNow = new Set(events.filter((e) => e.kind === 'payment_credited').map((e) => e.account_id));
    for (const e of events) {
      if (e.kind === 'payment_credited') {
        const num = (k: string) => (typeof e.data[k] === 'number' ? e.data[k] : 0);
        const bonus = num('bonus');
        const back = unblockedBy.has(e.account_id);
        await notify(tx, {
          accountId: e.account_id,
          template: 'payment_credited',
          params: {
            account: e.number,
            amount: { ru: formatRubles(num('amount'), 'ru'), en: formatRubles(num('amount'), 'en') },
            balance: { ru: formatRubles(num('balance'), 'ru'), en: formatRubles(num('balance'), 'en') },
            extra: {
              ru: `${bonus > 0 ? ` Бонус за предоплату: ${formatRubles(bonus, 'ru')}.` : ''}${back ? ' Доступ в интернет восстановлен.' : ''}`,
              en: `${bonus > 0 ? ` Prepayment bonus: ${formatRubles(bonus, 'en')}.` : ''}${back ? ' Internet access is back.' : ''}`,
            },
          },
        });
      } else if (e.kind === 'unblocked' && paidNow.has(e.account_id)) {
        continue; // told in the payment's notice
      } else if (e.kind === 'blocked') {
        const amount = Math.max(0, -e.money);
        await notify(tx, {
          accountId: e.account_id,
          template: 'blocked',
          params: { account: e.number, amount: formatRubles(amount) },
        });
      } else if (e.kind === 'unblocked') {
        await notify(tx, { accountId: e.account_id, template: 'unblocked', params: { account: e.number } });
      } else if (e.kind === 'suspended' && e.data.by === 'staff') {
        // Suspended by staff (a bulk block, docs/bulk.md), not the subscriber's voluntary suspension.
        const reason = typeof e.data.reason === 'string' && e.data.reason ? `: ${e.data.reason}` : '';
        await notify(tx, { accountId: e.account_id, template: 'staff_blocked', params: { account: e.number, reason } });
      } else if (e.kind === 'resumed' && e.data.by === 'staff') {
        await notify(tx, { accountId: e.account_id, template: 'staff_unblocked', params: { account: e.number } });
      } else if (e.kind === 'suspended') {
        await notify(tx, {
          accountId: e.account_id,
          template: 'suspended',
          params: { account: e.number, to: ruDate(typeof e.data.to === 'string' ? e.data.to : '') },
        });
      } else if (e.kind === 'resumed') {
        await notify(tx, { accountId: e.account_id, template: 'resumed', params: { account: e.number } });
      } else if (e.kind === 'tariff_changed') {
        await notify(tx, {
          accountId: e.account_id,
          template: 'tariff_changed',
          params: { account: e.number, tariff: { ru: e.tariff_ru ?? '', en: e.tariff_en ?? '' } },
        });
      } else if (e.status === 'active') {
        const days = daysLeft({ money: e.money, monthlyFees: e.fees.map(Number), today: e.today });
        if (days === null || days > e.warn_days || e.money < 0) continue;
        await notify(tx, {
          accountId: e.account_id,
          template: days === 0 ? 'low_balance_tomorrow' : 'low_balance',
          params: { account: e.number, days },
        });
      }
    }
    if (events.length > 0) {
      await tx.execute(
        sql`update account_events set notified_at = now() where id in (${sql.join(
          events.map((e) => sql`${e.id}`),
          sql`, `,
        )})`,
      );
    }
    return events.length;
  });
}

export const accountEventsTask: PeriodicTask = {
  name: 'notifications.account-events',
  everySeconds: 30,
  async tick(db) {
    while ((await notifyAccountEvents(db)) === BATCH) {
      /* drain the backlog */
    }
  },
};
