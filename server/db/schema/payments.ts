import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

import { accounts } from './accounts.js';

export const PAYMENT_STATUSES = ['pending', 'waiting_for_capture', 'succeeded', 'canceled', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
/** How the money came: card (acquiring), autopay (saved card), terminal (payment agents), office and CLI. */
export const PAYMENT_METHODS = ['card', 'sbp', 'autopay', 'terminal', 'cash', 'bank_transfer', 'manual'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

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
    /**
     * The id a payer sees without signing in (the public payment page's return link and status): 128
     * random bits, so nobody can walk other payers' payments or count them. Card top-ups only.
     */
    publicId: text('public_id').unique(),
    /** Caller-supplied key of the request that created it (Idempotence-Key, --key). */
    idempotencyKey: text('idempotency_key').unique(),
    /**
     * The key this payment has at its provider, set when the row is made: `<installation>:payment:<id>`
     * (YooKassa Idempotence-Key; T-Bank OrderId `<installation>-<id>`). Null on rows made before
     * installation ids: those keep `payment:<id>`.
     */
    providerKey: text('provider_key'),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    status: text('status').$type<PaymentStatus>().notNull().default('pending'),
    method: text('method').$type<PaymentMethod>().notNull(),
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

export const CARD_REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type CardRefundStatus = (typeof CARD_REFUND_STATUSES)[number];

/**
 * Money sent back to the card of a succeeded card payment (docs/finance.md, "Card refunds"). The
 * balance is debited when the refund is asked for (ledger `card-refund:<id>`); a refund the provider
 * declines is reversed (`card-refund-reversal:<id>`). `pending` means the provider has not answered
 * yet: a job asks again (GET by its id, or the same POST while the key lives) until it does.
 */
export const paymentRefunds = pgTable(
  'payment_refunds',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    paymentId: bigint('payment_id', { mode: 'number' })
      .notNull()
      .references(() => payments.id),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    /** The finance form's key: the same key again is the same refund. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    status: text('status').$type<CardRefundStatus>().notNull().default('pending'),
    staffId: bigint('staff_id', { mode: 'number' }).notNull(),
    /** The provider's refund id, stored as soon as an answer (or a lookup) shows it. */
    externalId: text('external_id'),
    /** The refund's key at the provider (`<installation>:refund:<id>`); null on older rows: `refund:<id>`. */
    providerKey: text('provider_key'),
    /**
     * First and last POST of the refund to the provider: the Idempotence-Key lives 24 h from the first,
     * so it is only re-sent within 23 h; after that the refund is looked up, never POSTed again.
     */
    firstRequestedAt: timestamp('first_requested_at', { withTimezone: true }),
    lastRequestedAt: timestamp('last_requested_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('payment_refunds_payment').on(t.paymentId),
    index('payment_refunds_pending')
      .on(t.createdAt)
      .where(sql`status = 'pending'`),
    check('payment_refunds_amount_positive', sql`${t.amount} > 0`),
  ],
);
