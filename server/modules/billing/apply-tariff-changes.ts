import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

/**
 * Tariff changes take effect from the day after they were requested: before day D is charged, every
 * pending change due on or before D closes the old tariff subscription the day before and opens the
 * new one (at the new plan's current fee) from its date. Set-based, one statement per region (or for
 * one account of it: `accountId`, runAccountDay).
 */
export async function applyTariffChanges(
  db: Db,
  opts: { regionId: number; day: string; accountId?: number },
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with due as (
          select s.id, s.account_id, s.pending_tariff_id, s.pending_from
          from subscriptions s join accounts a on a.id = s.account_id
          where a.region_id = ${opts.regionId} and s.kind = 'tariff'
            ${opts.accountId === undefined ? sql`` : sql`and a.id = ${opts.accountId}`}
            and s.pending_tariff_id is not null and s.pending_from <= ${opts.day}::date
          for update of s
        ),
        closed as (
          update subscriptions s set ends_on = d.pending_from - 1, pending_tariff_id = null, pending_from = null
          from due d where s.id = d.id
          returning s.id
        ),
        ins as (
          insert into subscriptions (account_id, kind, tariff_id, monthly_fee, starts_on)
          select d.account_id, 'tariff', t.id, t.monthly_fee, d.pending_from
          from due d join tariffs t on t.id = d.pending_tariff_id
          returning account_id, tariff_id
        ),
        ev as (
          insert into account_events (account_id, kind, data)
          select account_id, 'tariff_changed', jsonb_build_object('tariffId', tariff_id) from ins
          returning 1
        )
        select count(*)::int8 as n from ev`,
  );
  return rows[0]?.n ?? 0;
}
