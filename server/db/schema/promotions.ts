import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

import { accounts, subscriptions } from './accounts.js';
import { services } from './catalog.js';
import { regions } from './regions.js';

/** Who may join (every set condition must hold); docs/promotions.md. */
export interface PromotionEligibility {
  /** Only contracts signed at most this many days before joining. */
  newWithinDays?: number;
  /** Only subscribers on one of these tariff plans. */
  tariffIds?: number[];
  /** Only accounts with no debt (balance ≥ 0, not blocked). */
  noDebt?: boolean;
}

export const PROMOTION_EFFECTS = ['discount', 'bonus', 'free_addon'] as const;
export type PromotionEffect = (typeof PROMOTION_EFFECTS)[number];

/** A region's dated offer; `effect` is what the billing applies to each participant. */
export const promotions = pgTable(
  'promotions',
  {
    id: serial('id').primaryKey(),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    titleRu: text('title_ru').notNull(),
    titleEn: text('title_en').notNull(),
    descriptionRu: text('description_ru').notNull().default(''),
    descriptionEn: text('description_en').notNull().default(''),
    /** First and last day anyone may join (inclusive, region's calendar). */
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    effect: text('effect').$type<PromotionEffect>().notNull(),
    /** discount: percent off the tariff plan's fee. */
    percent: smallint('percent'),
    /** discount and free_addon: how many months the effect lasts. */
    months: smallint('months'),
    /** bonus: kopecks credited once on joining. */
    amount: bigint('amount', { mode: 'number' }),
    /** free_addon: the add-on given free. */
    serviceId: integer('service_id').references(() => services.id),
    eligibility: jsonb('eligibility').$type<PromotionEligibility>().notNull().default({}),
    createdBy: integer('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    index('promotions_region').on(t.regionId, t.startsOn),
    check(
      'promotions_effect',
      sql`(${t.effect} = 'discount' and ${t.percent} between 1 and 100 and ${t.months} between 1 and 36)
       or (${t.effect} = 'bonus' and ${t.amount} > 0)
       or (${t.effect} = 'free_addon' and ${t.serviceId} is not null and ${t.months} between 1 and 36)`,
    ),
  ],
);

/**
 * A subscriber's participation and the effect granted: a discount on the tariff plan's daily charge over
 * [effect_from, effect_to], a bonus entry, or a free add-on subscription over the same dates.
 */
export const promotionParticipations = pgTable(
  'promotion_participations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    promotionId: integer('promotion_id')
      .notNull()
      .references(() => promotions.id),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    effect: text('effect').$type<PromotionEffect>().notNull(),
    joinedOn: date('joined_on', { mode: 'string' }).notNull(),
    effectFrom: date('effect_from', { mode: 'string' }),
    effectTo: date('effect_to', { mode: 'string' }),
    percent: smallint('percent'),
    subscriptionId: bigint('subscription_id', { mode: 'number' }).references(() => subscriptions.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('promotion_participations_once').on(t.promotionId, t.accountId),
    index('promotion_participations_discount')
      .on(t.accountId, t.effectFrom, t.effectTo)
      .where(sql`effect = 'discount'`),
  ],
);
