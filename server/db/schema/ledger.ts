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
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const LEDGER_KINDS = [
  'charge',
  'payment',
  'bonus',
  'adjustment',
  'refund',
  'promised_payment',
  'promised_repayment',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * Append-only money ledger (a trigger refuses UPDATE and DELETE, see db/post-migrate.sql).
 * Invariant: accounts.balance = sum(amount) of the account's entries, always (with archived months:
 * their closing balances in ledger_openings plus the entries still attached, docs/ledger-partitions.md).
 *
 * Partitioned by month of `effective_on` (post-migrate.sql turns the table drizzle creates into a
 * partitioned one; drizzle-kit cannot express that). So every unique index includes effective_on;
 * an idempotency key's uniqueness across months is kept by the `ledger_keys` registry instead.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    // No foreign keys on this table: the daily run appends a row per subscription per day, and the
    // per-row FK triggers cost a quarter of the run. Every writer inserts by selecting from accounts
    // (postEntry, creditPayment, postCharges), and `abonent ledger verify` reports orphans (docs/decisions/0003).
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    kind: text('kind').$type<LedgerKind>().notNull(),
    /** Signed kopecks: positive credits the account, negative debits it. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** The calendar day the entry belongs to (the charged day, the payment's day). */
    effectiveOn: date('effective_on', { mode: 'string' }).notNull(),
    /** Charges: the subscription charged; with effectiveOn it makes a daily charge unique. */
    subscriptionId: bigint('subscription_id', { mode: 'number' }),
    /** Unique key of an external money input (payment notice, CLI --key); null for charges. */
    idempotencyKey: text('idempotency_key'),
    /** Who or what caused it: "billing", "staff:12", "cli", "provider:yookassa", … */
    source: text('source').notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.effectiveOn] }),
    // One account's entries by day, carrying what a statement shows but the comment: a statement reads
    // them from the index alone (an index-only scan, a page or two per month) instead of one heap
    // page per entry, which is what a day-by-day insert order would cost (docs/ledger-partitions.md).
    index('ledger_account_day').on(t.accountId, t.effectiveOn, t.id, t.kind, t.amount),
    // Rows arrive in day order, so a BRIN index finds "the entries since day X" inside a month partition
    // (ledger verify, day checkpoints) by reading only those days' pages; it costs next to nothing to keep.
    index('ledger_day_brin').using('brin', t.effectiveOn).with({ autosummarize: 'on' }),
    // Unique through ledger_keys (a trigger registers each key); this index finds the entry of a key.
    index('ledger_idempotency_key')
      .on(t.idempotencyKey)
      .where(sql`idempotency_key is not null`),
    uniqueIndex('ledger_charge_per_day')
      .on(t.subscriptionId, t.effectiveOn)
      .where(sql`kind = 'charge'`),
    check(
      'ledger_kind_check',
      sql`${t.kind} in ('charge','payment','bonus','adjustment','refund','promised_payment','promised_repayment')`,
    ),
    // A charge carries no comment (its day and subscription say what it is): a statement reads charges
    // from ledger_account_day alone and fetches comments only for the other kinds (get-statement.ts).
    check('ledger_charge_no_comment', sql`${t.kind} <> 'charge' or ${t.comment} is null`),
  ],
);

/**
 * Every idempotency key ever used on the ledger, unique across all months and kept when old months
 * are archived: a BEFORE INSERT trigger on ledger_entries registers the key and drops the row when the
 * key is taken, which is what a unique index did before partitioning (`on conflict do nothing`).
 */
export const ledgerKeys = pgTable('ledger_keys', {
  key: text('key').primaryKey(),
  entryId: bigint('entry_id', { mode: 'number' }).notNull(),
  accountId: bigint('account_id', { mode: 'number' }).notNull(),
  effectiveOn: date('effective_on', { mode: 'string' }).notNull(),
});

/**
 * Verified ledger checkpoints (docs/ledger-partitions.md): at `as_of`, each account's balance from the
 * entries before that day is in ledger_openings. Month starts are kept (statements start from them,
 * archived months end at one); the latest day is kept for `ledger verify`. An entry dated before a
 * checkpoint after it was made marks it stale (trigger), and the maintenance job makes it again.
 */
export const ledgerCheckpoints = pgTable('ledger_checkpoints', {
  asOf: date('as_of', { mode: 'string' }).primaryKey(),
  kind: text('kind').$type<'month' | 'day'>().notNull(),
  state: text('state').$type<'computing' | 'ready'>().notNull().default('computing'),
  stale: boolean('stale').notNull().default(false),
  /** Accounts with a non-zero opening balance, and the sum of all of them. */
  accounts: integer('accounts').notNull().default(0),
  total: bigint('total', { mode: 'number' }).notNull().default(0),
  /** Entries added since the checkpoint it was made from. */
  entries: bigint('entries', { mode: 'number' }).notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  readyAt: timestamp('ready_at', { withTimezone: true }),
});

/** An account's balance before a checkpoint day: the sum of its entries dated before `as_of` (0: no row). */
export const ledgerOpenings = pgTable(
  'ledger_openings',
  {
    asOf: date('as_of', { mode: 'string' }).notNull(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    balance: bigint('balance', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.asOf, t.accountId] })],
);

/** Months detached from ledger_entries for archiving (the table stays until the operator drops it). */
export const ledgerArchive = pgTable('ledger_archive', {
  month: date('month', { mode: 'string' }).primaryKey(),
  tableName: text('table_name').notNull(),
  entries: bigint('entries', { mode: 'number' }).notNull(),
  total: bigint('total', { mode: 'number' }).notNull(),
  detachedAt: timestamp('detached_at', { withTimezone: true }).notNull().defaultNow(),
});
