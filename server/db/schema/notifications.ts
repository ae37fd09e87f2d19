import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Where a message goes: the cabinet inbox, e-mail, SMS, or a linked messenger chat (schema/messengers.ts). */
export const CHANNELS = ['inbox', 'email', 'sms', 'telegram'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * queued → sent (the gateway accepted it) or failed (it refused, after the retries); an SMS then moves
 * to its final state from the SMSC's delivery receipts: delivered (every part) or undelivered (a part
 * expired, was rejected or could not be delivered).
 */
export const OUTBOX_STATES = ['queued', 'sent', 'failed', 'delivered', 'undelivered'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * Every message the system sends, one row per channel, with its delivery state. Inbox rows are
 * "sent" at once and read in the cabinet; e-mail and SMS rows are delivered by a job with retries.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' }),
    channel: text('channel').$type<Channel>().notNull(),
    /** E-mail address, phone (7XXXXXXXXXX) or messenger chat id; null for the inbox. */
    address: text('address'),
    template: text('template').notNull(),
    lang: text('lang').$type<'ru' | 'en'>().notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    state: text('state').$type<OutboxState>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** When the delivery receipts made the state final (delivered / undelivered). */
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** The rows of one notice share it: the id of its inbox row (null on rows older than 1.1). */
    noticeId: bigint('notice_id', { mode: 'number' }),
    /** An SMS sent because this messenger message was not delivered (Telegram first, SMS as the fallback). */
    fallbackOf: bigint('fallback_of', { mode: 'number' }),
    /**
     * What a messenger message carries besides its text: the template's parameters (an SMS fallback is
     * written from them) and a support answer's ticket and message (its files, the reply button).
     */
    meta: jsonb('meta').$type<Record<string, unknown> | null>(),
  },
  (t) => [
    index('outbox_account').on(t.accountId, t.channel, t.id),
    index('outbox_unread')
      .on(t.accountId)
      .where(sql`channel = 'inbox' and read_at is null`),
    // What is waiting or given up on (the delivery backlog in GET /metrics); sent mail stays out of it.
    index('outbox_undelivered')
      .on(t.channel, t.createdAt)
      .where(sql`state <> 'sent'`),
  ],
);

/**
 * The SMPP parts of an SMS outbox message as the SMSC accepted them (submit_sm_resp message_id), each
 * with the state its delivery receipt reported. A retry after a dropped connection sends only the
 * parts missing here.
 */
export const smsParts = pgTable(
  'sms_parts',
  {
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
    seq: integer('seq').notNull(),
    total: integer('total').notNull(),
    messageId: text('message_id'),
    /** submitted → delivered | undelivered (from the receipt) */
    state: text('state').$type<'submitted' | 'delivered' | 'undelivered'>().notNull().default('submitted'),
    /** The receipt's stat and err (e.g. "UNDELIV err:011"). */
    detail: text('detail'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.outboxId, t.seq] }), index('sms_parts_message').on(t.messageId)],
);

/**
 * Single-use codes (password recovery, confirming a new phone or e-mail). Only SHA-256 hashes of the
 * code and of the link token are stored; a code expires, allows a few wrong tries, and is used once.
 */
export const verificationCodes = pgTable(
  'verification_codes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    purpose: text('purpose').$type<'recovery' | 'contact_email' | 'contact_phone'>().notNull(),
    contractId: bigint('contract_id', { mode: 'number' }).notNull(),
    codeHash: text('code_hash').notNull(),
    tokenHash: text('token_hash').unique(),
    /** The new address being confirmed (contact change). */
    target: text('target'),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('verification_contract').on(t.contractId, t.purpose)],
);
