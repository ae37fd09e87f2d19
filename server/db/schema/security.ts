import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Counters for brute-force and flood limits, shared by every app server (so limits hold however many
 * run). One row per key: `login:contract:<n>`, `login:ip:<ip>`, `sms:phone:<n>`, …
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});
