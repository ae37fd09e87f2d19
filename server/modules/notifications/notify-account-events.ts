import { sql } from 'drizzle-orm';

import { daysLeft, LOW_BALANCE_DAYS } from '../../../common/days-left.js';
import { formatRubles } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { PeriodicTask } from '../../jobs/scheduler.js';
import { spendable } from '../ledger/coverage.js';
import { notify } from './notify.js';

const BATCH = 500;

/** A credit the subscriber is told of, which also tells that service came back. */
const isCredit = (e: ClaimedEvent) =>
  e.kind === 'payment_credited' || (e.kind === 'balance_changed' && Number(e.data.amount) > 0);

/** 2026-12-01 → 01.12.2026 (dates in notices). */
const ruDate = (day: string) => day.split('-').reverse().join('.');

interface ClaimedEvent {
  id: number;
  account_id: number;
  kind:
    | 'blocked'
    | 'unblocked'
    | 'low_balance'
    | 'suspended'
    | 'resumed'
    | 'tariff_changed'
    | 'payment_credited'
    | 'balance_changed';
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
            and e.kind in ('blocked', 'unblocked', 'low_balance', 'suspended', 'resumed', 'tariff_changed', 'payment_credited',
                           'balance_changed')
          order by e.id limit ${BATCH}
          for update of e skip locked`,
    );
    // A credit that unblocked the account says both in one notice ("payment credited, access is back"),
    // told once; the separate "access restored" notice is then not sent.
    const unblockedBy = new Set(events.filter((e) => e.kind === 'unblocked').map((e) => e.account_id));
    const creditedNow = new Set(events.filter(isCredit).map((e) => e.account_id));
    const backTold = new Set<number>();
    const back = (accountId: number) => {
      if (!unblockedBy.has(accountId) || backTold.has(accountId)) return false;
      backTold.add(accountId);
      return true;
    };
    for (const e of events) {
      const num = (k: string) => (typeof e.data[k] === 'number' ? e.data[k] : 0);
      const rub = (k: number, sign = false) => ({
        ru: `${sign && k > 0 ? '+' : ''}${formatRubles(k, 'ru')}`,
        en: `${sign && k > 0 ? '+' : ''}${formatRubles(k, 'en')}`,
      });
      const backText = (restored: boolean) => ({
        ru: restored ? ' Доступ в интернет восстановлен.' : '',
        en: restored ? ' Internet access is back.' : '',
      });
      if (e.kind === 'payment_credited') {
        const bonus = num('bonus');
        const restored = back(e.account_id);
        await notify(tx, {
          accountId: e.account_id,
          template: 'payment_credited',
          params: {
            account: e.number,
            amount: rub(num('amount')),
            balance: rub(num('balance')),
            extra: {
              ru: `${bonus > 0 ? ` Бонус за предоплату: ${formatRubles(bonus, 'ru')}.` : ''}${backText(restored).ru}`,
              en: `${bonus > 0 ? ` Prepayment bonus: ${formatRubles(bonus, 'en')}.` : ''}${backText(restored).en}`,
            },
          },
        });
      } else if (e.kind === 'balance_changed') {
        // Money that was not paid in: told as what it is, never as "payment credited".
        const cause = e.data.cause;
        const template =
          cause === 'compensation'
            ? 'compensation_credited'
            : cause === 'refund_reversed'
              ? 'refund_reversed'
              : 'balance_corrected';
        await notify(tx, {
          accountId: e.account_id,
          template,
          params: {
            account: e.number,
            amount: rub(cause === 'correction' ? num('amount') : Math.abs(num('amount')), cause === 'correction'),
            balance: rub(num('balance')),
            extra: backText(num('amount') > 0 && back(e.account_id)),
          },
        });
      } else if (e.kind === 'unblocked' && creditedNow.has(e.account_id)) {
        continue; // told in the credit's notice
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
