import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';

import { accounts, subscribers } from './accounts.js';

/**
 * Messengers a subscriber can link (docs/notifications.md, "Channels"). Each is one adapter
 * (server/integrations/<name>/) over the same tables; its name is also its outbox channel.
 */
export const MESSENGERS = ['telegram'] as const;
export type Messenger = (typeof MESSENGERS)[number];

/**
 * A chat with the bot in one messenger (a private chat is one person's Telegram account). The chat
 * exists from its first update; it shows nothing of any account until a link exists.
 */
export const messengerChats = pgTable(
  'messenger_chats',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messenger: text('messenger').$type<Messenger>().notNull(),
    /** The messenger's chat id (Telegram: up to 52 bits, kept as text like any other messenger's). */
    chatId: text('chat_id').notNull(),
    /** How the person is called in the messenger (@username or first name), for the cabinet's list. */
    title: text('title'),
    /** The messenger's language hint (Telegram `language_code`), used until an account is linked. */
    languageCode: text('language_code'),
    /** The account the buttons act on (one of the chat's links: the switcher). */
    currentAccountId: bigint('current_account_id', { mode: 'number' }),
    /**
     * A step that waits for the person's next message: `{step: 'ticket_text', categoryId}`,
     * `{step: 'ticket_reply', ticketId}`, `{step: 'topup_amount'}`. Cleared by any button.
     */
    state: jsonb('state').$type<Record<string, unknown> | null>(),
    /** The bot was blocked (403) or the chat is gone (400): notices skip it and fall back to SMS. */
    blockedAt: timestamp('blocked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('messenger_chats_chat').on(t.messenger, t.chatId)],
);

/**
 * A chat bound to a personal account. One chat may hold several accounts of one person (the switcher),
 * an account several chats. Removed by unlinking from either side (audited).
 */
export const messengerLinks = pgTable(
  'messenger_links',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chatRowId: bigint('chat_row_id', { mode: 'number' })
      .notNull()
      .references(() => messengerChats.id, { onDelete: 'cascade' }),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    /** The person the account belongs to when it was linked (a chat holds one person's accounts). */
    subscriberId: bigint('subscriber_id', { mode: 'number' })
      .notNull()
      .references(() => subscribers.id),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('messenger_links_chat_account').on(t.chatRowId, t.accountId),
    index('messenger_links_account').on(t.accountId),
  ],
);

/**
 * One-time deep-link tokens ("Подключить Telegram"): only the SHA-256 of the token is kept; a token
 * lives 10 minutes and is used once.
 */
export const messengerLinkTokens = pgTable(
  'messenger_link_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    messenger: text('messenger').$type<Messenger>().notNull(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('messenger_link_tokens_account').on(t.accountId)],
);

/**
 * Updates already taken (Telegram update_id): a replayed or re-delivered update does nothing. Kept
 * three days (Telegram re-delivers a webhook update for far less; ids may restart after a silent week).
 */
export const messengerUpdates = pgTable(
  'messenger_updates',
  {
    messenger: text('messenger').$type<Messenger>().notNull(),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messenger, t.updateId] }), index('messenger_updates_received').on(t.receivedAt)],
);

/**
 * The channels a person chose for one type of notice (common/notice-types.ts). No row: the defaults
 * (e-mail and SMS as the profile says, every linked messenger). The inbox is always written.
 */
export const noticePreferences = pgTable(
  'notice_preferences',
  {
    subscriberId: bigint('subscriber_id', { mode: 'number' })
      .notNull()
      .references(() => subscribers.id),
    noticeType: text('notice_type').notNull(),
    channels: text('channels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.noticeType] })],
);
