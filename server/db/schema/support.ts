import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import { accounts } from './accounts.js';
import { regions } from './regions.js';

export const TICKET_STATUSES = ['new', 'in_progress', 'waiting', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * What a subscriber can write about. A region's list is the common categories (region_id null,
 * defaults in post-migrate.sql) plus the region's own. Each carries its SLA targets; a claim category
 * (претензия) gives its tickets a registered number and a 30-day answer deadline (docs/support.md).
 */
export const supportCategories = pgTable(
  'support_categories',
  {
    id: serial('id').primaryKey(),
    regionId: smallint('region_id').references(() => regions.id),
    code: text('code').notNull(),
    nameRu: text('name_ru').notNull(),
    nameEn: text('name_en').notNull(),
    /** SLA: minutes from creation to the first staff answer. */
    firstResponseMinutes: integer('first_response_minutes').notNull(),
    /** SLA: hours from creation to closing. */
    resolutionHours: integer('resolution_hours').notNull(),
    isClaim: boolean('is_claim').notNull().default(false),
    sortOrder: integer('sort_order').notNull().default(100),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    uniqueIndex('support_categories_common_code')
      .on(t.code)
      .where(sql`region_id is null`),
    uniqueIndex('support_categories_region_code').on(t.regionId, t.code),
    check('support_categories_sla_positive', sql`${t.firstResponseMinutes} > 0 and ${t.resolutionHours} > 0`),
  ],
);

/** Ready answers staff pick from, per region (region_id null: every region). */
export const supportCannedReplies = pgTable(
  'support_canned_replies',
  {
    id: serial('id').primaryKey(),
    regionId: smallint('region_id').references(() => regions.id),
    title: text('title').notNull(),
    body: text('body').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('support_canned_region').on(t.regionId)],
);

/**
 * A support ticket (обращение). The SLA due times are fixed at creation from the category's targets;
 * `unread_subscriber` / `unread_staff` count messages the other side has not opened yet.
 */
export const supportTickets = pgTable(
  'support_tickets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    categoryId: integer('category_id')
      .notNull()
      .references(() => supportCategories.id),
    subject: text('subject').notNull(),
    status: text('status').$type<TicketStatus>().notNull().default('new'),
    assigneeId: integer('assignee_id'),
    /** Claims: the registered number (П-YYYY-NNNNNN) and the last day to answer. */
    claimNumber: text('claim_number').unique(),
    claimDueOn: date('claim_due_on', { mode: 'string' }),
    claimAnsweredAt: timestamp('claim_answered_at', { withTimezone: true }),
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true }).notNull(),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }).notNull(),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    /** When it was last closed; cleared on reopening. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedBy: text('closed_by').$type<'subscriber' | 'staff'>(),
    reopenCount: integer('reopen_count').notNull().default(0),
    /** The outage the subscriber was in when writing (docs/outages.md): support sees the link. */
    outageId: bigint('outage_id', { mode: 'number' }),
    unreadSubscriber: integer('unread_subscriber').notNull().default(0),
    unreadStaff: integer('unread_staff').notNull().default(0),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('support_tickets_account').on(t.accountId, t.id),
    index('support_tickets_queue').on(t.regionId, t.categoryId, t.createdAt),
    index('support_tickets_open')
      .on(t.status, t.lastMessageAt)
      .where(sql`status <> 'closed'`),
    index('support_tickets_first_response').on(t.firstResponseAt),
    index('support_tickets_outage')
      .on(t.outageId)
      .where(sql`outage_id is not null`),
    check('support_tickets_status', sql`${t.status} in ('new','in_progress','waiting','closed')`),
  ],
);

/** The thread. `internal` messages are staff notes: never in any subscriber response. */
export const supportMessages = pgTable(
  'support_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => supportTickets.id),
    authorType: text('author_type').$type<'subscriber' | 'staff'>().notNull(),
    staffId: integer('staff_id'),
    internal: boolean('internal').notNull().default(false),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('support_messages_ticket').on(t.ticketId, t.id),
    check('support_messages_note_by_staff', sql`not ${t.internal} or ${t.authorType} = 'staff'`),
  ],
);

/**
 * Uploaded files. Uploaded first (owned by an account or a staff user, message_id null), then linked
 * to one message when it is sent; unlinked uploads are removed after a day. The bytes live in the
 * support files directory under `storage_key`, never under the web root.
 */
export const supportAttachments = pgTable(
  'support_attachments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ownerAccountId: bigint('owner_account_id', { mode: 'number' }),
    ownerStaffId: integer('owner_staff_id'),
    messageId: bigint('message_id', { mode: 'number' }).references(() => supportMessages.id),
    ticketId: bigint('ticket_id', { mode: 'number' }).references(() => supportTickets.id),
    fileName: text('file_name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Set when the uploader's personal data is anonymised (docs/personal-data.md): the name and hash are
     * gone and the file may no longer be read; the row (type, size, times) stays for support's reports.
     */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    /** When the bytes of an erased file were deleted from the files directory (after the erasure committed). */
    fileRemovedAt: timestamp('file_removed_at', { withTimezone: true }),
  },
  (t) => [
    index('support_attachments_message').on(t.messageId),
    index('support_attachments_pending')
      .on(t.createdAt)
      .where(sql`message_id is null`),
    check('support_attachments_owner', sql`(${t.ownerAccountId} is null) <> (${t.ownerStaffId} is null)`),
  ],
);

/**
 * Bytes uploaded per person per day (UTC), sent or not: `owner` is `account:<id>` or `staff:<id>`.
 * An upload adds its size in one upsert that refuses to pass the day's quota (issue 26); the row's lock
 * also serialises one person's concurrent uploads, so the pending-file count taken after it is exact.
 */
export const uploadUsage = pgTable(
  'upload_usage',
  {
    owner: text('owner').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    files: bigint('files', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.owner, t.day] })],
);
