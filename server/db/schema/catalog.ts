import { bigint, boolean, date, index, integer, pgTable, serial, smallint, text, unique } from 'drizzle-orm/pg-core';

import { regions } from './regions.js';

export const tariffs = pgTable(
  'tariffs',
  {
    id: serial('id').primaryKey(),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    code: text('code').notNull(),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
    descriptionRu: text('description_ru').notNull().default(''),
    descriptionEn: text('description_en').notNull().default(''),
    monthlyFee: bigint('monthly_fee', { mode: 'number' }).notNull(),
    speedDownKbps: integer('speed_down_kbps').notNull(),
    speedUpKbps: integer('speed_up_kbps').notNull(),
    activeFrom: date('active_from', { mode: 'string' }).notNull(),
    activeTo: date('active_to', { mode: 'string' }),
    archived: boolean('archived').notNull().default(false),
  },
  (t) => [unique('tariffs_region_code').on(t.regionId, t.code), index('tariffs_region').on(t.regionId)],
);

export const SERVICE_KINDS = ['tv', 'static_ip', 'mobile'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** Add-on services (TV packages, static IP, mobile internet), each with its own monthly fee. */
export const services = pgTable(
  'services',
  {
    id: serial('id').primaryKey(),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    kind: text('kind').$type<ServiceKind>().notNull(),
    code: text('code').notNull(),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
    descriptionRu: text('description_ru').notNull().default(''),
    descriptionEn: text('description_en').notNull().default(''),
    monthlyFee: bigint('monthly_fee', { mode: 'number' }).notNull(),
    archived: boolean('archived').notNull().default(false),
  },
  (t) => [unique('services_region_code').on(t.regionId, t.code)],
);
