import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

import { nas } from './network.js';
import { regions } from './regions.js';

/** Where an outage is: a whole region, a street (optionally some houses) of a region, or one NAS. */
export const OUTAGE_SCOPES = ['region', 'address', 'nas'] as const;
export type OutageScope = (typeof OUTAGE_SCOPES)[number];

export const OUTAGE_STATES = ['open', 'closed'] as const;
export type OutageState = (typeof OUTAGE_STATES)[number];

/**
 * An outage notice (авария; ABillS "Accident" is the model, docs/outages.md): staff declare it on an
 * area with a start and an estimated end; the subscribers there see it in the cabinet and get one
 * notice; tickets they open meanwhile are linked to it; closing it records the real end.
 */
export const outages = pgTable(
  'outages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    regionId: bigint('region_id', { mode: 'number' })
      .notNull()
      .references(() => regions.id),
    scope: text('scope').$type<OutageScope>().notNull(),
    /** scope 'address': the street as it is written in subscribers' addresses (matched without case). */
    street: text('street'),
    /** scope 'address': houses, e.g. "1, 3, 5-11, 12а" (empty: the whole street); common/address-match.ts. */
    houses: text('houses'),
    /** scope 'nas': the NAS whose subscribers are cut off. */
    nasId: bigint('nas_id', { mode: 'number' }).references(() => nas.id),
    /** What subscribers read in the banner and the notice. */
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    expectedEndAt: timestamp('expected_end_at', { withTimezone: true }).notNull(),
    /** The expected end subscribers were last told (re-notice rule: docs/outages.md). */
    notifiedEndAt: timestamp('notified_end_at', { withTimezone: true }),
    notices: bigint('notices', { mode: 'number' }).notNull().default(0),
    state: text('state').$type<OutageState>().notNull().default('open'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    createdBy: bigint('created_by', { mode: 'number' }).notNull(),
    closedBy: bigint('closed_by', { mode: 'number' }),
    /** The compensation run after closing (a bulk operation), if any. */
    compensationId: bigint('compensation_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('outages_region').on(t.regionId, t.createdAt),
    index('outages_open')
      .on(t.id)
      .where(sql`state = 'open'`),
    check('outages_scope', sql`${t.scope} in ('region','address','nas')`),
    check('outages_state', sql`${t.state} in ('open','closed')`),
    check(
      'outages_area',
      sql`(${t.scope} = 'address' and ${t.street} is not null) or (${t.scope} = 'nas' and ${t.nasId} is not null) or ${t.scope} = 'region'`,
    ),
    check(
      'outages_times',
      sql`${t.expectedEndAt} > ${t.startsAt} and (${t.endedAt} is null or ${t.endedAt} >= ${t.startsAt})`,
    ),
  ],
);

/**
 * The subscribers an outage affects, fixed when it is declared (the same selection a bulk operation
 * uses, bulk/select-accounts.ts): who sees the banner, who was told and when, whose new tickets link
 * to it, and the pre-filled selection of its compensation.
 */
export const outageAccounts = pgTable(
  'outage_accounts',
  {
    outageId: bigint('outage_id', { mode: 'number' })
      .notNull()
      .references(() => outages.id),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.outageId, t.accountId] }), index('outage_accounts_account').on(t.accountId)],
);
