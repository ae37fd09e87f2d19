import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { checkPeriod, inMonths, inRawRanges, type Period, planPeriod } from './report-period.js';
import { regionCondition, type ReportScope } from './report-scope.js';

export type ChargeItemKind = 'tariff' | 'service' | 'suspension' | 'other';

export interface ChargesRow {
  /** First day of the month. */
  month: string;
  regionId: number;
  region: string;
  itemKind: ChargeItemKind;
  itemId: number;
  itemRu: string;
  itemEn: string;
  /** Kopecks charged. */
  amount: number;
  /** Daily charges posted. */
  entries: number;
  /** Accounts charged (within the month). */
  accounts: number;
}

/**
 * Charges by month × region × plan or add-on for a period (a month cut by the period counts its days
 * inside it only): trusted month rollups plus the raw charges of the other days. Exact to the kopeck:
 * the sum of `amount` is minus the sum of the period's charge entries.
 */
export async function chargesReport(db: Db, q: Period & { scope: ReportScope }) {
  checkPeriod(q);
  const plan = await planPeriod(db, q);
  const rows = await queryRows<{
    month: string;
    region_id: number;
    region: string;
    item_kind: ChargeItemKind;
    item_id: number;
    item_ru: string | null;
    item_en: string | null;
    amount: number;
    entries: number;
    accounts: number;
  }>(
    db,
    sql`with x as (
          select month, region_id, item_kind, item_id, amount, entries, accounts from report_month_charges
          where ${inMonths(sql`month`, plan.rollupMonths)}
          union all
          select date_trunc('month', l.effective_on)::date, a.region_id, coalesce(s.kind, 'other'),
                 coalesce(s.tariff_id, s.service_id, 0), -sum(l.amount), count(*), count(distinct l.account_id)
          from ledger_entries l
          join accounts a on a.id = l.account_id
          left join subscriptions s on s.id = l.subscription_id
          where l.kind = 'charge' and ${inRawRanges(sql`l.effective_on`, plan.raw)}
          group by 1, 2, 3, 4)
        select x.month::text as month, x.region_id, r.name_ru as region, x.item_kind, x.item_id,
               coalesce(t.name_ru, sv.name_ru) as item_ru, coalesce(t.name_en, sv.name_en) as item_en,
               sum(x.amount)::int8 as amount, sum(x.entries)::int8 as entries, sum(x.accounts)::int8 as accounts
        from x
        join regions r on r.id = x.region_id
        left join tariffs t on x.item_kind = 'tariff' and t.id = x.item_id
        left join services sv on x.item_kind = 'service' and sv.id = x.item_id
        where ${regionCondition(q.scope, sql`x.region_id`)}
        group by 1, 2, 3, 4, 5, 6, 7
        order by 1, 3, 4 desc, 6`,
  );
  const lines: ChargesRow[] = rows.map((r) => ({
    month: r.month,
    regionId: r.region_id,
    region: r.region,
    itemKind: r.item_kind,
    itemId: r.item_id,
    itemRu: r.item_ru ?? (r.item_kind === 'suspension' ? 'Плата за приостановку' : 'Прочее'),
    itemEn: r.item_en ?? (r.item_kind === 'suspension' ? 'Suspension fee' : 'Other'),
    amount: r.amount,
    entries: r.entries,
    accounts: r.accounts,
  }));
  return { from: q.from, to: q.to, lines, total: lines.reduce((s, l) => s + l.amount, 0) };
}
