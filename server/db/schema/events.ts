import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { accounts } from './accounts.js';

export const ACCOUNT_EVENT_KINDS = [
  'blocked',
  'unblocked',
  'low_balance',
  'suspended',
  'resumed',
  'tariff_changed',
  'terminated',
  'static_ip_assigned',
  'static_ip_released',
  /** A payment was credited (data: amount, bonus, balance): the "payment credited" notice. */
  'payment_credited',
  /**
   * The balance moved without a payment (data: cause correction | compensation | refund_reversed,
   * signed amount, balance): its own notice, never "payment credited" (docs/notifications.md).
   */
  'balance_changed',
] as const;
export type AccountEventKind = (typeof ACCOUNT_EVENT_KINDS)[number];

/**
 * The kinds the network acts on (docs/network.md, "Events → CoA / Disconnect"); the others are notices
 * only. A static IP given or taken back disconnects the session, so the next one gets the new address.
 */
export const NETWORK_EVENT_KINDS = [
  'blocked',
  'unblocked',
  'suspended',
  'resumed',
  'tariff_changed',
  'terminated',
  'static_ip_assigned',
  'static_ip_released',
] as const satisfies readonly AccountEventKind[];

/**
 * Things that happened to an account that others react to: notifications (inbox, e-mail, SMS) and
 * the network (RADIUS CoA / disconnect). Written in the same transaction as the change, consumed by
 * jobs that mark what they handled (`notified_at`, `network_at`).
 */
export const accountEvents = pgTable(
  'account_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    kind: text('kind').$type<AccountEventKind>().notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    networkAt: timestamp('network_at', { withTimezone: true }),
  },
  (t) => [
    index('account_events_account').on(t.accountId, t.at),
    index('account_events_unnotified')
      .on(t.id)
      .where(sql`notified_at is null`),
    index('account_events_network_pending')
      .on(t.id)
      .where(
        sql`network_at is null and kind in ('blocked', 'unblocked', 'suspended', 'resumed', 'tariff_changed', 'terminated', 'static_ip_assigned', 'static_ip_released')`,
      ),
  ],
);
