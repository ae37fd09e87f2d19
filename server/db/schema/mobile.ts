import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { accounts } from './accounts.js';
import { services } from './catalog.js';

export const MOBILE_REQUEST_STATUSES = ['new', 'in_progress', 'connected', 'refused', 'cancelled'] as const;
export type MobileRequestStatus = (typeof MOBILE_REQUEST_STATUSES)[number];

/** A subscriber's request to connect mobile internet, handled by staff in a queue. */
export const mobileRequests = pgTable(
  'mobile_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    /** The package asked for (a `mobile` service of the region), if one was chosen. */
    serviceId: integer('service_id').references(() => services.id),
    phone: text('phone').notNull(),
    convenientTime: text('convenient_time').notNull(),
    comment: text('comment'),
    status: text('status').$type<MobileRequestStatus>().notNull().default('new'),
    staffNote: text('staff_note'),
    handledBy: integer('handled_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('mobile_requests_account').on(t.accountId),
    index('mobile_requests_open')
      .on(t.createdAt)
      .where(sql`status in ('new','in_progress')`),
  ],
);
