import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { accounts, subscriptions } from './accounts.js';

export const SUSPENSION_STATUSES = ['pending', 'approved', 'active', 'finished', 'refused', 'cancelled'] as const;
export type SuspensionStatus = (typeof SUSPENSION_STATUSES)[number];

/**
 * Voluntary suspension ("добровольная блокировка"), docs/suspension.md. An application is `pending`
 * until staff (or the region's auto-approval) review it; `approved` waits for its first day, when the
 * daily run makes it `active` (account suspended, `free_days` fixed) and, after its last day,
 * `finished` (account resumed). `ended_on` is the real last day when the subscriber ended it early.
 */
export const suspensions = pgTable(
  'suspensions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    /** The planned last day (inclusive). */
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    /** The actual last day when ended early (inclusive); null otherwise. */
    endedOn: date('ended_on', { mode: 'string' }),
    status: text('status').$type<SuspensionStatus>().notNull().default('pending'),
    /** How many of its first days are free; fixed when it starts (docs/suspension.md). */
    freeDays: integer('free_days'),
    /** Kopecks per paid day, the region's fee when approved. */
    dailyFee: bigint('daily_fee', { mode: 'number' }),
    /**
     * The `suspension` subscription that carries its daily fee in the charge statement (one charge per
     * subscription and day, like every charge); made when it starts.
     */
    subscriptionId: bigint('subscription_id', { mode: 'number' }).references(() => subscriptions.id),
    comment: text('comment'),
    refuseReason: text('refuse_reason'),
    /** subscriber | staff:<id> */
    createdBy: text('created_by').notNull(),
    /** staff:<id> | auto */
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('suspensions_account').on(t.accountId, t.startsOn),
    index('suspensions_open')
      .on(t.status, t.startsOn)
      .where(sql`status in ('pending','approved','active')`),
    check('suspensions_dates', sql`${t.endsOn} >= ${t.startsOn}`),
    check('suspensions_status', sql`${t.status} in ('pending','approved','active','finished','refused','cancelled')`),
  ],
);
