import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

import { services, tariffs } from './catalog.js';
import { regions } from './regions.js';

export const subscribers = pgTable('subscribers', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  fullName: text('full_name').notNull(),
  address: text('address').notNull(),
  /** E.164 without '+', e.g. 79991234567; the phone given at signing, used for recovery. */
  phone: text('phone').notNull(),
  email: text('email'),
  /** Passport series and number, encrypted at rest (see modules/subscribers); never returned whole. */
  passportEnc: text('passport_enc'),
  /** Last 4 digits of the passport number, for staff to compare with the document. */
  passportLast4: text('passport_last4'),
  /** Notification preferences: the in-cabinet inbox always; e-mail and SMS as the subscriber chooses. */
  notifyEmail: integer('notify_email').notNull().default(1),
  notifySms: integer('notify_sms').notNull().default(1),
  lang: text('lang').$type<'ru' | 'en'>().notNull().default('ru'),
  /** When the phone / e-mail last changed in the cabinet: recovery to it is held for 24 hours after. */
  phoneChangedAt: timestamp('phone_changed_at', { withTimezone: true }),
  emailChangedAt: timestamp('email_changed_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * When the personal data was anonymised (152-ФЗ: the retention period after termination passed;
   * docs/personal-data.md). Name, address, phone, e-mail and passport are then placeholders.
   */
  anonymizedAt: timestamp('anonymized_at', { withTimezone: true }),
});

export const CONTRACT_STATUSES = ['active', 'terminated'] as const;

export const contracts = pgTable(
  'contracts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The subscriber's login. Format: see docs/billing.md (region prefix + 6 digits + check digit). */
    number: text('number').notNull().unique(),
    subscriberId: bigint('subscriber_id', { mode: 'number' })
      .notNull()
      .references(() => subscribers.id),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    signedOn: date('signed_on', { mode: 'string' }).notNull(),
    status: text('status').$type<(typeof CONTRACT_STATUSES)[number]>().notNull().default('active'),
    terminatedOn: date('terminated_on', { mode: 'string' }),
    /** argon2id hash of the subscriber's password; null until issued. */
    passwordHash: text('password_hash'),
    /** True while the password is the initial one from the contract: first sign-in must change it. */
    mustChangePassword: integer('must_change_password').notNull().default(1),
    /** The subscriber's optional TOTP secret (sealed), and the last time step accepted (never again). */
    totpSecret: text('totp_secret'),
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('contracts_subscriber').on(t.subscriberId)],
);

export const ACCOUNT_STATUSES = ['active', 'blocked', 'suspended', 'terminated'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/**
 * Personal account ("лицевой счёт"): one per contract. `balance` is a cache of the sum of its ledger
 * entries, changed only in the same statement/transaction that appends the entry.
 */
export const accounts = pgTable(
  'accounts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Number used for payments and password recovery (9 digits). */
    number: text('number').notNull().unique(),
    contractId: bigint('contract_id', { mode: 'number' })
      .notNull()
      .unique()
      .references(() => contracts.id),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    balance: bigint('balance', { mode: 'number' }).notNull().default(0),
    /** How far below zero the balance may go before blocking (kopecks, ≥ 0). */
    creditLimit: bigint('credit_limit', { mode: 'number' }).notNull().default(0),
    /** Temporary credit of an active promised payment (kopecks, ≥ 0); counts like the credit limit. */
    promisedCredit: bigint('promised_credit', { mode: 'number' }).notNull().default(0),
    status: text('status').$type<AccountStatus>().notNull().default('active'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('accounts_region').on(t.regionId),
    check('accounts_status_check', sql`${t.status} in ('active','blocked','suspended','terminated')`),
    check('accounts_credit_nonneg', sql`${t.creditLimit} >= 0 and ${t.promisedCredit} >= 0`),
  ],
);

/**
 * What an account pays for: its tariff plan or an add-on service, over [startsOn, endsOn].
 * `monthlyFee` is the price agreed when the subscription started (a catalogue price change does not
 * silently change what existing subscribers pay).
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    /** tariff | service (an add-on) | suspension (carries a voluntary suspension's daily fee, docs/suspension.md) */
    kind: text('kind').$type<'tariff' | 'service' | 'suspension'>().notNull(),
    tariffId: integer('tariff_id').references(() => tariffs.id),
    serviceId: integer('service_id').references(() => services.id),
    monthlyFee: bigint('monthly_fee', { mode: 'number' }).notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    /** A tariff change waiting for the next day's run (tariff subscriptions only). */
    pendingTariffId: integer('pending_tariff_id').references(() => tariffs.id),
    pendingFrom: date('pending_from', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('subscriptions_account').on(t.accountId),
    check(
      'subscriptions_target',
      sql`(${t.kind} = 'tariff' and ${t.tariffId} is not null) or (${t.kind} = 'service' and ${t.serviceId} is not null) or (${t.kind} = 'suspension' and ${t.tariffId} is null and ${t.serviceId} is null)`,
    ),
    check('subscriptions_fee_nonneg', sql`${t.monthlyFee} >= 0`),
  ],
);
