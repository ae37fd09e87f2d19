import { bigint, date, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

import { regions } from './regions.js';

/**
 * One row per region and calendar day of the daily run. The row is the run's claim: a process that
 * inserts it (or takes over an expired lease of a dead one) runs the day; others skip it. `state`
 * becomes 'done' with the totals when every batch is through.
 */
export const billingDays = pgTable(
  'billing_days',
  {
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    day: date('day', { mode: 'string' }).notNull(),
    state: text('state').$type<'running' | 'done'>().notNull().default('running'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    charged: integer('charged').notNull().default(0),
    amount: bigint('amount', { mode: 'number' }).notNull().default(0),
    blocked: integer('blocked').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.day] })],
);
