import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import { accounts } from './accounts.js';

/** A card the subscriber saved at the provider (we keep only the provider's token and a title like "•••• 1111"). */
export const savedPaymentMethods = pgTable(
  'saved_payment_methods',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    provider: text('provider').notNull(),
    /** The provider's payment_method_id. */
    methodRef: text('method_ref').notNull(),
    title: text('title').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('saved_methods_ref').on(t.provider, t.methodRef), index('saved_methods_account').on(t.accountId)],
);

/** Autopay of one account: charge the saved card when the balance is under `threshold` or on `day_of_month`. */
export const autopaySettings = pgTable(
  'autopay_settings',
  {
    accountId: bigint('account_id', { mode: 'number' })
      .primaryKey()
      .references(() => accounts.id),
    methodId: bigint('method_id', { mode: 'number' })
      .notNull()
      .references(() => savedPaymentMethods.id),
    mode: text('mode').$type<'threshold' | 'monthly'>().notNull(),
    threshold: bigint('threshold', { mode: 'number' }),
    dayOfMonth: smallint('day_of_month'),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    monthlyLimit: bigint('monthly_limit', { mode: 'number' }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** charge_failed | card_unusable | declined_by_bank | card_deleted | canceled_by_subscriber */
    disabledReason: text('disabled_reason'),
    /** Why the last charge was declined (common/decline-reasons.ts), shown to the subscriber in words. */
    declineReason: text('decline_reason'),
    /** The next planned charge: noticed at least a day before (376-ФЗ), charged at `charge_at`. */
    chargeAt: timestamp('charge_at', { withTimezone: true }),
    noticedAt: timestamp('noticed_at', { withTimezone: true }),
    failures: smallint('failures').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('autopay_mode', sql`${t.mode} in ('threshold','monthly')`),
    check('autopay_amount', sql`${t.amount} > 0 and ${t.monthlyLimit} >= ${t.amount}`),
  ],
);

/** A promised payment: temporary credit (accounts.promised_credit), no money moves, so no ledger entry. */
export const promisedPayments = pgTable(
  'promised_payments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    takenOn: date('taken_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: text('status').$type<'active' | 'repaid' | 'expired'>().notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('promised_account').on(t.accountId, t.takenOn),
    uniqueIndex('promised_one_active')
      .on(t.accountId)
      .where(sql`status = 'active'`),
    check('promised_amount', sql`${t.amount} > 0`),
    check('promised_status', sql`${t.status} in ('active','repaid','expired')`),
  ],
);

/** State of the built-in test acquirer (it plays an external bank, so it keeps its own rows). */
export const testAcquirerPayments = pgTable('test_acquirer_payments', {
  id: text('id').primaryKey(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  status: text('status').$type<'pending' | 'succeeded' | 'canceled'>().notNull().default('pending'),
  returnUrl: text('return_url').notNull(),
  savePaymentMethod: boolean('save_payment_method').notNull().default(false),
  methodRef: text('method_ref'),
  cardTitle: text('card_title'),
  refunded: bigint('refunded', { mode: 'number' }).notNull().default(0),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
