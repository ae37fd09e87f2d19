import { sql } from 'drizzle-orm';

import { isValidDay, todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { isPaymentAmount } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';
import type { PromotionEffect, PromotionEligibility } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { getRegion } from '../catalog/catalog.js';
import { PROMOTION_COLUMNS, type PromotionRow } from './eligibility.js';

export interface PromotionInput {
  regionId: number;
  titleRu: string;
  titleEn: string;
  descriptionRu: string;
  descriptionEn: string;
  startsOn: string;
  endsOn: string | null;
  effect: PromotionEffect;
  percent?: number | null;
  months?: number | null;
  amount?: number | null;
  serviceId?: number | null;
  eligibility: PromotionEligibility;
}

/** Admins create a region's promotion; every field of its effect and conditions is checked here. */
export async function createPromotion(db: Db, actor: { staffId: number; ip?: string | null }, input: PromotionInput) {
  const region = await getRegion(db, input.regionId);
  const bad = (details: string) => new AppError('promotion_bad', { details });
  for (const d of [input.startsOn, input.endsOn])
    if (d !== null && !isValidDay(d)) throw new AppError('bad_date', { value: d });
  if (input.endsOn !== null && input.endsOn < input.startsOn) throw bad('endsOn < startsOn');
  if (input.endsOn !== null && input.endsOn < todayIn(region.timeZone)) throw bad('endsOn is in the past');
  const months = input.months ?? null;
  if (input.effect !== 'bonus' && (months === null || !Number.isInteger(months) || months < 1 || months > 36))
    throw bad('months: 1–36');
  if (input.effect === 'discount' && (!Number.isInteger(input.percent) || input.percent! < 1 || input.percent! > 100))
    throw bad('percent: 1–100');
  if (input.effect === 'bonus' && (input.amount == null || !isPaymentAmount(input.amount))) throw bad('amount');
  if (input.effect === 'free_addon') {
    const [svc] = await queryRows<{ id: number }>(
      db,
      sql`select id from services where id = ${input.serviceId ?? 0} and region_id = ${input.regionId} and kind in ('tv', 'static_ip')`,
    );
    if (!svc) throw bad('serviceId: a TV package or static IP of the region');
  }
  const tariffIds = input.eligibility.tariffIds ?? [];
  if (tariffIds.length) {
    const found = await queryRows<{ id: number }>(
      db,
      sql`select id from tariffs where region_id = ${input.regionId} and id in (${sql.join(
        tariffIds.map((t) => sql`${t}`),
        sql`, `,
      )})`,
    );
    if (found.length !== new Set(tariffIds).size) throw bad('tariffIds: plans of the region');
  }
  return inTransaction(db, async (tx) => {
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into promotions (region_id, title_ru, title_en, description_ru, description_en, starts_on, ends_on, effect,
                                  percent, months, amount, service_id, eligibility, created_by)
          values (${input.regionId}, ${input.titleRu}, ${input.titleEn}, ${input.descriptionRu}, ${input.descriptionEn},
                  ${input.startsOn}::date, ${input.endsOn}::date, ${input.effect},
                  ${input.effect === 'discount' ? input.percent! : null}, ${input.effect === 'bonus' ? null : months},
                  ${input.effect === 'bonus' ? input.amount! : null}, ${input.effect === 'free_addon' ? input.serviceId! : null},
                  ${JSON.stringify(input.eligibility)}::jsonb, ${actor.staffId})
          returning id`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'promotion.create',
      entity: 'promotion',
      entityId: row!.id,
      after: input,
      ip: actor.ip ?? null,
    });
    return (await listPromotions(tx, { id: row!.id }))[0]!;
  });
}

/** Ends a promotion now: nobody joins any more; effects already granted run their course. */
export async function endPromotion(db: Db, actor: { staffId: number; ip?: string | null }, id: number) {
  return inTransaction(db, async (tx) => {
    const rows = await queryRows<{ id: number }>(
      tx,
      sql`update promotions set ended_at = now() where id = ${id} and ended_at is null returning id`,
    );
    if (!rows[0]) {
      const [exists] = await queryRows<{ id: number }>(tx, sql`select id from promotions where id = ${id}`);
      if (!exists) throw new AppError('promotion_not_found');
    } else {
      await recordAudit(tx, {
        actorType: 'staff',
        actorId: actor.staffId,
        action: 'promotion.end',
        entity: 'promotion',
        entityId: id,
        ip: actor.ip ?? null,
      });
    }
    return (await listPromotions(tx, { id }))[0]!;
  });
}

/** Promotions for the back office, newest first, with how many joined. */
export async function listPromotions(db: Db, opts: { regionId?: number; id?: number; regions?: RegionScope }) {
  const rows = await queryRows<PromotionRow & { participants: number }>(
    db,
    sql`select ${PROMOTION_COLUMNS}, (select count(*)::int8 from promotion_participations x where x.promotion_id = p.id) as participants
        from promotions p
        where ${opts.id ? sql`p.id = ${opts.id}` : opts.regionId ? sql`p.region_id = ${opts.regionId}` : sql`true`}
          and ${inRegions(opts.regions ?? 'all', sql`p.region_id`)}
        order by p.id desc limit 500`,
  );
  return rows.map((p) => ({
    id: p.id,
    regionId: p.region_id,
    titleRu: p.title_ru,
    titleEn: p.title_en,
    descriptionRu: p.description_ru,
    descriptionEn: p.description_en,
    startsOn: p.starts_on,
    endsOn: p.ends_on,
    effect: p.effect,
    percent: p.percent,
    months: p.months,
    amount: p.amount,
    serviceId: p.service_id,
    eligibility: p.eligibility ?? {},
    ended: p.ended_at !== null,
    participants: p.participants,
  }));
}
