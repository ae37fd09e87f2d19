import { sql } from 'drizzle-orm';

import { addDays, daysBetween } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { ServiceKind } from '../../db/schema/index.js';
import { assertNoTransaction, inRolledBackTransaction } from '../../db/transaction.js';
import { assertNotTerminated, loadAccount } from '../accounts/load-account.js';
import { runAccountDay } from '../billing/run-account-day.js';
import { daysToSettle, refundableCardPayments, settlementOutcome, settleToDay } from './settlement.js';
import { VISIT_AHEAD_DAYS } from './visits.js';

/** Further ahead than this the forecast is not made (a visit is booked at most 30 days ahead). */
const MAX_DAYS = 62;

export interface SettlementForecast {
  /** The day the contract would be closed. */
  day: string;
  today: string;
  /** The balance now. */
  balance: number;
  /** What is charged from now up to and including `day`, per plan, add-on or suspension fee. */
  charges: {
    kind: 'tariff' | 'service' | 'suspension';
    serviceKind: ServiceKind | null;
    nameRu: string | null;
    nameEn: string | null;
    days: number;
    amount: number;
  }[];
  charged: number;
  /** The balance the contract would close with on `day`. */
  balanceOnDay: number;
  /** The day the money runs out and service is blocked (nothing is charged after it), if it does. */
  blockedOn: string | null;
  /** To be paid before the contract can close. */
  debt: number;
  /** To be refunded: in cash, or to the cards paid from up to `cardRefundable`. */
  refund: number;
  cardRefundable: number;
  /** The region's daily run is behind: the settlement waits for it (termination_day_not_charged). */
  billingBehind: boolean;
}

/**
 * The final settlement a termination on `day` (today or later) would make, computed by running the very
 * code that will make it, in a transaction that is always rolled back (inRolledBackTransaction): for each
 * day the region's runs will charge before then, the daily run's own steps for this account
 * (runAccountDay: a pending plan change, a suspension starting or ending, the charge that blocks an
 * account the money no longer covers); on the day itself, the termination's settlement (settleToDay) and
 * its rule for what the closing balance means (settlementOutcome). Staff see it for today before they
 * terminate; the subscriber sees it for the visit day before booking. It assumes no payment in between.
 */
export async function forecastSettlement(
  db: Db,
  opts: { accountId: number; day?: string; now?: Date },
): Promise<SettlementForecast> {
  assertNoTransaction(db, 'forecastSettlement: it runs the settlement in a transaction it rolls back');
  return inRolledBackTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    const day = opts.day && opts.day > a.today ? opts.day : a.today;
    const [mark] = await queryRows<{ entry: number | null; event: number | null; last_done: string | null }>(
      tx,
      sql`select (select max(id) from ledger_entries where account_id = ${a.id}) as entry,
                 (select max(id) from account_events where account_id = ${a.id}) as event,
                 (select max(day)::text from billing_days where region_id = ${a.regionId} and state = 'done') as last_done`,
    );
    let billingBehind = false;
    if (a.status !== 'terminated') {
      if (day === a.today) {
        // Exactly what the termination does today.
        try {
          await daysToSettle(tx, a);
        } catch {
          billingBehind = true;
        }
        if (!billingBehind) await settleToDay(tx, a);
      } else {
        // The region's runs up to the visit day (the first of them catching up on days not done yet).
        const first = mark?.last_done ? addDays(mark.last_done, 1) : a.today;
        if (daysBetween(first, day) > MAX_DAYS) billingBehind = true;
        else
          for (let d = first; d <= day; d = addDays(d, 1))
            await runAccountDay(tx, { regionId: a.regionId, accountId: a.id, day: d });
      }
    }
    const [charges, blocked, card, after] = await Promise.all([
      queryRows<{
        kind: 'tariff' | 'service' | 'suspension';
        service_kind: ServiceKind | null;
        name_ru: string | null;
        name_en: string | null;
        days: number;
        amount: number;
      }>(
        tx,
        sql`select s.kind, v.kind as service_kind, coalesce(t.name_ru, v.name_ru) as name_ru,
                   coalesce(t.name_en, v.name_en) as name_en, count(*)::int as days, (-sum(e.amount))::int8 as amount
            from ledger_entries e join subscriptions s on s.id = e.subscription_id
              left join tariffs t on t.id = s.tariff_id left join services v on v.id = s.service_id
            where e.account_id = ${a.id} and e.kind = 'charge' and e.id > ${mark?.entry ?? 0}
            group by s.id, s.kind, v.kind, t.name_ru, v.name_ru, t.name_en, v.name_en
            order by min(e.effective_on), case s.kind when 'tariff' then 0 when 'service' then 1 else 2 end, s.id`,
      ),
      queryRows<{ day: string }>(
        tx,
        sql`select data->>'day' as day from account_events
            where account_id = ${a.id} and kind = 'blocked' and id > ${mark?.event ?? 0} order by id limit 1`,
      ),
      refundableCardPayments(tx, a.id),
      queryRows<{ balance: number }>(tx, sql`select balance from accounts where id = ${a.id}`),
    ]);
    const balanceOnDay = after[0]?.balance ?? a.balance;
    return {
      day,
      today: a.today,
      balance: a.balance,
      charges: charges.map((c) => ({
        kind: c.kind,
        serviceKind: c.service_kind,
        nameRu: c.name_ru,
        nameEn: c.name_en,
        days: c.days,
        amount: c.amount,
      })),
      charged: charges.reduce((s, c) => s + c.amount, 0),
      balanceOnDay,
      blockedOn: blocked[0]?.day ?? null,
      ...settlementOutcome(balanceOnDay),
      cardRefundable: card.reduce((s, p) => s + p.left, 0),
      billingBehind,
    };
  });
}

/**
 * The subscriber's question before booking a visit: what the settlement would be on a day they may
 * book (tomorrow to VISIT_AHEAD_DAYS ahead), if they pay nothing before it.
 */
export async function visitDaySettlement(db: Db, opts: { accountId: number; day: string; now?: Date }) {
  const a = await loadAccount(db, opts.accountId, { now: opts.now });
  assertNotTerminated(a);
  const last = addDays(a.today, VISIT_AHEAD_DAYS);
  if (opts.day <= a.today || opts.day > last) throw new AppError('visit_bad_time', { last });
  return forecastSettlement(db, opts);
}
