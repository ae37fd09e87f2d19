import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
 * Invariant: accounts.balance = sum(amount) of the account's entries, always.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
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
    index('ledger_account_day').on(t.accountId, t.effectiveOn),
    uniqueIndex('ledger_idempotency_key').on(t.idempotencyKey),
    uniqueIndex('ledger_charge_per_day')
      .on(t.subscriptionId, t.effectiveOn)
      .where(sql`kind = 'charge'`),
    check(
      'ledger_kind_check',
      sql`${t.kind} in ('charge','payment','bonus','adjustment','refund','promised_payment','promised_repayment')`,
    ),
  ],
);
