import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { loadAccount } from '../accounts/load-account.js';
import { feesOn } from '../services/account-fees.js';
import { forecastSettlement } from './forecast-settlement.js';

/**
 * What completing a termination today would do, for the staff form: today's charge still to come, the
 * balance after it (a debt must be paid first; a remainder is refunded in cash or to cards), how much
 * can go back to cards, and what is switched off. The figures come from running the termination's own
 * settlement and rolling it back (forecastSettlement), so the preview is what the completion does.
 */
export async function previewTermination(db: Db, accountId: number, now?: Date) {
  const a = await loadAccount(db, accountId, { now });
  const f = await forecastSettlement(db, { accountId, now });
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
    billingBehind: f.billingBehind,
    todayCharge: f.charged,
    balance: f.balance,
    balanceAfter: f.balanceOnDay,
    debt: f.debt,
    refund: f.refund,
    cardRefundable: f.cardRefundable,
    services: services.map((s) => ({ nameRu: s.nameRu, nameEn: s.nameEn, kind: s.kind })),
    visit: visit ?? null,
  };
}
