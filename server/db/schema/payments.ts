import { pgTable, bigserial, bigint, text, timestamp, jsonb, index, uniqueIndex, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { accounts } from './accounts.js';

export const PAYMENT_STATUSES = ['pending', 'waiting_for_capture', 'succeeded', 'canceled', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * Money coming in from outside (card acquiring, payment agents, office cash, bank transfer, CLI).
 * A payment is credited to the ledger at most once: its ledger entry carries the idempotency key
 * `payment:<id>`, and `(provider, external_id)` is unique so a provider's notice maps to one row.
 */
export const payments = pgTable(
  'payments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    /** test_acquirer | yookassa | agent:<code> | office_cash | bank_transfer | cli | staff */
    provider: text('provider').notNull(),
    /** The provider's id of the payment (txn_id, payment id); unique per provider. */
    externalId: text('external_id'),
    /** Caller-supplied key of the request that created it (Idempotence-Key, --key). */
    idempotencyKey: text('idempotency_key').unique(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    status: text('status').$type<PaymentStatus>().notNull().default('pending'),
    /** card | sbp | cash | bank_transfer | terminal | autopay … */
    method: text('method').notNull(),
    /** The ledger entry that credited it (set when succeeded). */
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }),
    /** Prepay months the payer chose ("pay N months"); informational, the bonus rule checks the amount. */
    prepayMonths: bigint('prepay_months', { mode: 'number' }),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    succeededAt: timestamp('succeeded_at', { withTimezone: true }),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
  },
  (t) => [
    index('payments_account').on(t.accountId, t.createdAt),
    uniqueIndex('payments_provider_external').on(t.provider, t.externalId),
    check('payments_amount_positive', sql`${t.amount} > 0`),
  ],
);
