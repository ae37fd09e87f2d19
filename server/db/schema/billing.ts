import { bigint, date, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

import { regions } from './regions.js';

/**
 * One row per region and calendar day of the daily run, written by the region's one runner (an
 * advisory lock, docs/decisions/0007): 'running' from the day's start, 'done' when every batch and
 * the low-balance warnings are through. A 'running' row with no runner is a day a dead runner left:
 * the next runner finishes it before any later day. The totals grow with each batch, in the batch's
 * own statement.
 */
export const billingDays = pgTable(
  'billing_days',
  {
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    day: date('day', { mode: 'string' }).notNull(),
    state: text('state').$type<'running' | 'done'>().notNull().default('running'),
    charged: integer('charged').notNull().default(0),
    amount: bigint('amount', { mode: 'number' }).notNull().default(0),
    blocked: integer('blocked').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.day] })],
);
