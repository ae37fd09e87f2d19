import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * queued → running → done; a job that keeps failing, or keeps dying mid-run (its lease expires), is
 * parked as `dead` with its last error after max_attempts, for an admin to look at and retry.
 */
export const JOB_STATES = ['queued', 'running', 'done', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The PostgreSQL-backed job queue shared by every app process (see server/jobs/queue.ts). */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    /** Deterministic key (e.g. "billing:spb:2026-11-25"): enqueueing the same key twice is a no-op. */
    key: text('key'),
    payload: jsonb('payload').notNull().default({}),
    state: text('state').$type<JobState>().notNull().default('queued'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('jobs_key').on(t.key),
    index('jobs_due')
      .on(t.runAt)
      .where(sql`state in ('queued','running')`),
    index('jobs_dead')
      .on(t.finishedAt)
      .where(sql`state = 'dead'`),
  ],
);
