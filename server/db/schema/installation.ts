import { sql } from 'drizzle-orm';
import { bigint, boolean, check, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * This installation's identity towards payment providers and the fiscal service (decision 0021): one
 * row. `id` prefixes every key Abonent sends outside — ATOL external_id, YooKassa Idempotence-Key,
 * T-Bank OrderId — so two installations on one ATOL group or shop, or a restored copy next to (or
 * after) the original, never send the same key for different money. Made once (post-migrate.sql); a
 * new one is made when the database turns out to be another cluster or timeline than the one the id
 * was made on (a restore, a promoted replica), or on `abonent installation renew`. Earlier ids are
 * kept in `previous`; a key already stored on a row is never rewritten.
 */
export const installation = pgTable(
  'installation',
  {
    singleton: boolean('singleton').primaryKey().default(true),
    id: text('id').notNull(),
    /** PostgreSQL's pg_control_system().system_identifier and timeline when the id was made (null: unknown). */
    systemIdentifier: text('system_identifier'),
    timeline: bigint('timeline', { mode: 'number' }),
    previous: jsonb('previous').$type<{ id: string; until: string; why: string }[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('installation_singleton', sql`${t.singleton}`),
    check('installation_id_format', sql`${t.id} ~ '^[a-z0-9]{4,12}$'`),
  ],
);
