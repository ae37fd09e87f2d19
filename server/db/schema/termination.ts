import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import { accounts } from './accounts.js';
import { regions } from './regions.js';

/** The ISP's offices in a region (where contracts are terminated with a passport). */
export const regionOffices = pgTable(
  'region_offices',
  {
    id: serial('id').primaryKey(),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
    address: text('address').notNull(),
    /** Opening hours as people read them, e.g. "Пн–Пт 10:00–19:00". */
    hours: text('hours').notNull().default(''),
    phone: text('phone'),
    active: boolean('active').notNull().default(true),
  },
  (t) => [index('region_offices_region').on(t.regionId)],
);

export const VISIT_STATUSES = ['booked', 'cancelled', 'completed', 'missed'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** A visit to an office to terminate the contract, booked in the cabinet (or by staff). */
export const terminationVisits = pgTable(
  'termination_visits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    officeId: integer('office_id')
      .notNull()
      .references(() => regionOffices.id),
    visitOn: date('visit_on', { mode: 'string' }).notNull(),
    /** "HH:MM", local time of the office's region. */
    visitTime: text('visit_time').notNull(),
    phone: text('phone'),
    status: text('status').$type<VisitStatus>().notNull().default('booked'),
    handledBy: integer('handled_by'),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('termination_visits_one_booked')
      .on(t.accountId)
      .where(sql`status = 'booked'`),
    index('termination_visits_day').on(t.visitOn),
  ],
);

/** The record of a completed termination: the final settlement and how the remainder went back. */
export const terminations = pgTable('terminations', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  accountId: bigint('account_id', { mode: 'number' })
    .notNull()
    .unique()
    .references(() => accounts.id),
  terminatedOn: date('terminated_on', { mode: 'string' }).notNull(),
  /** The balance after the final day's charge, before the refund. */
  finalBalance: bigint('final_balance', { mode: 'number' }).notNull(),
  refundAmount: bigint('refund_amount', { mode: 'number' }).notNull().default(0),
  /** none | cash | card */
  refundMethod: text('refund_method').$type<'none' | 'cash' | 'card'>().notNull(),
  visitId: bigint('visit_id', { mode: 'number' }),
  staffId: integer('staff_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
