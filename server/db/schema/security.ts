import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Counters for brute-force and flood limits, shared by every app server (so limits hold however many
 * run). One row per key: `login:contract:<n>`, `login:ip:<ip>`, `sms:phone:<n>`, …
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  /**
   * Whether the latest attempt counted on this key was let through: the statement that counts an
   * attempt reads it back (RETURNING), so deciding and counting are one step (modules/auth/rate-limit.ts).
   */
  allowed: boolean('allowed').notNull().default(true),
});
