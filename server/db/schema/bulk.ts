import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import { accounts } from './accounts.js';

/**
 * Account tags: labels staff put on subscribers ("VIP", "дом на реконструкции", "юрлицо") to select
 * them later (bulk operations, docs/bulk.md). A name is unique case-insensitively.
 */
export const tags = pgTable(
  'tags',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tags_name').on(sql`lower(${t.name})`)],
);

export const accountTags = pgTable(
  'account_tags',
  {
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    tagId: bigint('tag_id', { mode: 'number' })
      .notNull()
      .references(() => tags.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.tagId] }), index('account_tags_tag').on(t.tagId, t.accountId)],
);

export const BULK_KINDS = ['tariff', 'message', 'compensation', 'block', 'unblock'] as const;
export type BulkKind = (typeof BULK_KINDS)[number];

/** queued → running → done | stopped (a stop request honoured between batches) | failed (gave up). */
export const BULK_STATES = ['queued', 'running', 'stopping', 'stopped', 'done', 'failed'] as const;
export type BulkState = (typeof BULK_STATES)[number];

/**
 * One bulk operation over many subscribers (docs/bulk.md): what, over which selection, by whom, and
 * how far it got. The accounts are fixed when it is created (bulk_operation_items); the job works
 * through them in batches. `key` is the client's operation id: creating twice with it creates once.
 */
export const bulkOperations = pgTable(
  'bulk_operations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    kind: text('kind').$type<BulkKind>().notNull(),
    /** The selection as staff set it (bulk.schemas.ts `bulkFilter`). */
    filter: jsonb('filter').$type<Record<string, unknown>>().notNull(),
    /** What to do (per kind: the plan, the message texts, the days of fee, a comment). */
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    /** The regions the creator could see when it was made (null: every region); the selection never left them. */
    regionIds: bigint('region_ids', { mode: 'number' }).array(),
    state: text('state').$type<BulkState>().notNull().default('queued'),
    total: bigint('total', { mode: 'number' }).notNull().default(0),
    processed: bigint('processed', { mode: 'number' }).notNull().default(0),
    succeeded: bigint('succeeded', { mode: 'number' }).notNull().default(0),
    skipped: bigint('skipped', { mode: 'number' }).notNull().default(0),
    failed: bigint('failed', { mode: 'number' }).notNull().default(0),
    /** Money planned when created (compensation: the credits; tariff and status: monthly fees that change). */
    plannedAmount: bigint('planned_amount', { mode: 'number' }).notNull().default(0),
    /** Money actually moved through the ledger (compensation credits written). */
    amountMoved: bigint('amount_moved', { mode: 'number' }).notNull().default(0),
    createdBy: bigint('created_by', { mode: 'number' }).notNull(),
    outageId: bigint('outage_id', { mode: 'number' }),
    stopRequestedBy: bigint('stop_requested_by', { mode: 'number' }),
    stopRequestedAt: timestamp('stop_requested_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('bulk_operations_key').on(t.key),
    index('bulk_operations_created').on(t.createdAt),
    index('bulk_operations_outage')
      .on(t.outageId)
      .where(sql`outage_id is not null`),
    check('bulk_operations_kind', sql`${t.kind} in ('tariff','message','compensation','block','unblock')`),
    check('bulk_operations_state', sql`${t.state} in ('queued','running','stopping','stopped','done','failed')`),
  ],
);

export const BULK_ITEM_STATES = ['pending', 'done', 'skipped', 'failed'] as const;
export type BulkItemState = (typeof BULK_ITEM_STATES)[number];

/**
 * The accounts of an operation, fixed when it was created, each with its outcome: pending until its
 * batch commits; then done, skipped (nothing to do: already on the plan, not blocked…) or failed, with
 * the reason's error code. `amount` is the money planned for it (compensation: the credit).
 */
export const bulkOperationItems = pgTable(
  'bulk_operation_items',
  {
    operationId: bigint('operation_id', { mode: 'number' })
      .notNull()
      .references(() => bulkOperations.id),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    state: text('state').$type<BulkItemState>().notNull().default('pending'),
    reason: text('reason'),
    amount: bigint('amount', { mode: 'number' }).notNull().default(0),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.operationId, t.accountId] }),
    // What the job takes next: the pending rows of an operation in account order.
    index('bulk_items_pending')
      .on(t.operationId, t.accountId)
      .where(sql`state = 'pending'`),
    check('bulk_items_state', sql`${t.state} in ('pending','done','skipped','failed')`),
  ],
);
