import { sql } from 'drizzle-orm';

import { dailyCharge } from '../../../common/days-left.js';
import { type Db, queryRows } from '../../db/client.js';
import { loadAccount } from '../accounts/load-account.js';
import { feesOn } from '../services/account-fees.js';
import { daysToSettle, refundableCardPayments } from './settlement.js';

/**
 * What completing a termination today would do, for the staff form: today's charge still to come, the
 * balance after it (a debt must be paid first; a remainder is refunded in cash or to cards), how much
 * can go back to cards, and what is switched off.
 */
export async function previewTermination(db: Db, accountId: number, now?: Date) {
  const a = await loadAccount(db, accountId, { now });
  let settle: string[] = [];
  let behind = false;
  if (a.status !== 'terminated') {
    try {
      settle = await daysToSettle(db, a);
    } catch {
      behind = true;
    }
  }
  const fees = settle.length && a.status === 'active' ? (await feesOn(db, a.id, a.today)).map((f) => f.monthlyFee) : [];
  const todayCharge = dailyCharge(fees, a.today);
  const balanceAfter = a.balance - todayCharge;
  const card = await refundableCardPayments(db, a.id);
  const [visit] = await queryRows<{ id: number; date: string; time: string; office: string }>(
    db,
    sql`select v.id, v.visit_on as date, v.visit_time as time, o.name_ru as office
        from termination_visits v join region_offices o on o.id = v.office_id
        where v.account_id = ${a.id} and v.status = 'booked'`,
  );
  const services = await feesOn(db, a.id, a.today);
  return {
    status: a.status,
    today: a.today,
    billingBehind: behind,
    todayCharge,
    balance: a.balance,
    balanceAfter,
    debt: Math.max(0, -balanceAfter),
    refund: Math.max(0, balanceAfter),
    cardRefundable: card.reduce((s, p) => s + p.left, 0),
    services: services.map((s) => ({ nameRu: s.nameRu, nameEn: s.nameEn, kind: s.kind })),
    visit: visit ?? null,
  };
}
