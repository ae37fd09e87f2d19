import { pgTable, smallint, date, timestamp, integer, bigint, primaryKey } from 'drizzle-orm/pg-core';
import { regions } from './regions.js';

/** One row per region and calendar day that the daily run has completed. */
export const billingDays = pgTable(
  'billing_days',
  {
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    day: date('day', { mode: 'string' }).notNull(),
    charged: integer('charged').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    blocked: integer('blocked').notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.day] })],
);
