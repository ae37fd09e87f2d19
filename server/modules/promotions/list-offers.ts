import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { loadAccount } from '../accounts/load-account.js';
import { checkEligibility, isCurrent, PROMOTION_COLUMNS, type PromotionRow } from './eligibility.js';

/**
 * The subscriber's promotions page: offers of the region running today, each with who may join (every
 * condition, met or not) and whether the account may (or why not), and the ones the account took part
 * in with their effect's dates.
 */
export async function listOffers(db: Db, accountId: number, now?: Date) {
  const a = await loadAccount(db, accountId, { now });
  const rows = await queryRows<
    PromotionRow & {
      joined_on: string | null;
      effect_from: string | null;
      effect_to: string | null;
      service_ru: string | null;
      service_en: string | null;
    }
  >(
    db,
    sql`select ${PROMOTION_COLUMNS}, x.joined_on, x.effect_from, x.effect_to, v.name_ru as service_ru, v.name_en as service_en
        from promotions p
          left join promotion_participations x on x.promotion_id = p.id and x.account_id = ${a.id}
          left join services v on v.id = p.service_id
        where p.region_id = ${a.regionId}
          and (x.id is not null or (p.ended_at is null and p.starts_on <= ${a.today}::date
               and (p.ends_on is null or p.ends_on >= ${a.today}::date)))
        order by x.id is not null, p.starts_on desc, p.id desc`,
  );
  const tariffIds = [...new Set(rows.flatMap((p) => p.eligibility?.tariffIds ?? []))];
  const plans = tariffIds.length
    ? await queryRows<{ id: number; name_ru: string; name_en: string }>(
        db,
        sql`select id, name_ru, name_en from tariffs where id in (${sql.join(
          tariffIds.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      )
    : [];
  const offers = [];
  for (const p of rows) {
    const checked = await checkEligibility(db, a, p);
    const reason = p.joined_on ? 'already_joined' : checked.reason;
    offers.push({
      id: p.id,
      titleRu: p.title_ru,
      titleEn: p.title_en,
      descriptionRu: p.description_ru,
      descriptionEn: p.description_en,
      startsOn: p.starts_on,
      endsOn: p.ends_on,
      current: isCurrent(p, a.today),
      effect: p.effect,
      percent: p.percent,
      months: p.months,
      amount: p.amount,
      service: p.service_id ? { id: p.service_id, nameRu: p.service_ru ?? '', nameEn: p.service_en ?? '' } : null,
      conditions: checked.conditions.map((c) => ({
        kind: c.kind,
        met: c.met,
        days: c.days,
        contractAgeDays: c.contractAgeDays,
        tariffs: c.tariffIds
          ? c.tariffIds.map((id) => {
              const t = plans.find((x) => x.id === id);
              return { id, nameRu: t?.name_ru ?? '', nameEn: t?.name_en ?? '' };
            })
          : null,
      })),
      canJoin: reason === null,
      reason,
      joined: p.joined_on ? { on: p.joined_on, from: p.effect_from, to: p.effect_to } : null,
    });
  }
  return { today: a.today, offers };
}
