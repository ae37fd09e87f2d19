import { sql } from 'drizzle-orm';

import { discountedFee } from '../../../common/promotions.js';
import { type Db, queryRows } from '../../db/client.js';

export interface FeeLine {
  subscriptionId: number;
  kind: 'tariff' | 'service';
  serviceKind: string | null;
  serviceId: number | null;
  tariffId: number | null;
  nameRu: string;
  nameEn: string;
  /** What the subscription costs a month on that day (a promotion discount applied). */
  monthlyFee: number;
  /** The subscription's own fee before any discount. */
  fullFee: number;
  discountPercent: number | null;
  startsOn: string;
  endsOn: string | null;
}

/**
 * The account's subscriptions in force on `day` with what each costs that day: the subscription's fee,
 * the tariff plan's reduced by an active promotion discount (common/promotions.ts). Previews and the
 * cabinet count days left from these, the same figures the daily run charges.
 */
export async function feesOn(db: Db, accountId: number, day: string): Promise<FeeLine[]> {
  const rows = await queryRows<{
    id: number;
    kind: 'tariff' | 'service';
    service_kind: string | null;
    service_id: number | null;
    tariff_id: number | null;
    name_ru: string;
    name_en: string;
    monthly_fee: number;
    percent: number | null;
    starts_on: string;
    ends_on: string | null;
  }>(
    db,
    sql`select s.id, s.kind, v.kind as service_kind, s.service_id, s.tariff_id,
               coalesce(t.name_ru, v.name_ru) as name_ru, coalesce(t.name_en, v.name_en) as name_en,
               s.monthly_fee, s.starts_on, s.ends_on,
               case when s.kind = 'tariff' then (
                 select max(p.percent) from promotion_participations p
                 where p.account_id = s.account_id and p.effect = 'discount'
                   and p.effect_from <= ${day}::date and p.effect_to >= ${day}::date) end as percent
        from subscriptions s left join tariffs t on t.id = s.tariff_id left join services v on v.id = s.service_id
        where s.account_id = ${accountId} and s.kind in ('tariff', 'service') and s.starts_on <= ${day}::date
          and (s.ends_on is null or s.ends_on >= ${day}::date)
        order by s.kind desc, s.id`,
  );
  return rows.map((r) => ({
    subscriptionId: r.id,
    kind: r.kind,
    serviceKind: r.service_kind,
    serviceId: r.service_id,
    tariffId: r.tariff_id,
    nameRu: r.name_ru,
    nameEn: r.name_en,
    monthlyFee: r.percent ? discountedFee(r.monthly_fee, r.percent) : r.monthly_fee,
    fullFee: r.monthly_fee,
    discountPercent: r.percent,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
  }));
}
