import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, inet, pgTable, smallint, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

import { accounts, subscriptions } from './accounts.js';
import { regions } from './regions.js';

/**
 * A region's static IP pool: one row per address. The row is the address's only holder: it is given to
 * a static-IP subscription by setting `subscription_id` (claimed with FOR UPDATE SKIP LOCKED and checked
 * again in the UPDATE), so one address can never be held by two subscriptions, and one subscription
 * holds at most one address. Released addresses go to the back of the queue (`released_at`).
 */
export const ipAddresses = pgTable(
  'ip_addresses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    address: inet('address').notNull(),
    subscriptionId: bigint('subscription_id', { mode: 'number' }).references(() => subscriptions.id),
    accountId: bigint('account_id', { mode: 'number' }).references(() => accounts.id),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ip_addresses_address').on(t.address),
    uniqueIndex('ip_addresses_subscription').on(t.subscriptionId),
    index('ip_addresses_free')
      .on(t.regionId, t.releasedAt.asc().nullsFirst(), t.address)
      .where(sql`subscription_id is null`),
    index('ip_addresses_account').on(t.accountId),
  ],
);

/** Who held which address when (kept for years: law-enforcement requests name an address and a time). */
export const ipAssignments = pgTable(
  'ip_assignments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    address: inet('address').notNull(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    subscriptionId: bigint('subscription_id', { mode: 'number' }).notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [index('ip_assignments_address').on(t.address, t.assignedAt), index('ip_assignments_account').on(t.accountId)],
);
