import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { Messenger } from '../../db/schema/index.js';
import { countEvent } from '../auth/rate-limit.js';
import type { IncomingEvent } from './messenger.js';

/** Updates one chat may send: 30 a minute; more locks it for a minute (the bot then stays silent). */
export const CHAT_UPDATES = { limit: 30, windowSeconds: 60, lockSeconds: 60 };

export interface ChatRow {
  id: number;
  messenger: Messenger;
  chat_id: string;
  current_account_id: number | null;
  state: Record<string, unknown> | null;
  language_code: string | null;
}

export type Taken =
  | { fresh: false }
  /** `limited`: over the chat's rate; 'now' for the update that reached it (told once), 'still' after. */
  | { fresh: true; chat: ChatRow; limited: 'now' | 'still' | null };

/**
 * The gate every update passes: an update id seen before (a webhook retry, a replay) is not acted on
 * again; the chat row is made or refreshed (name, language, seen; any message but "blocked" shows the
 * bot is not blocked); the chat's rate is counted. Each step commits on its own: an update is taken
 * once even if handling it fails half-way (the person presses the button again; a replay never acts twice).
 */
export async function takeUpdate(db: Db, e: IncomingEvent): Promise<Taken> {
  const [seen] = await queryRows<{ update_id: number }>(
    db,
    sql`insert into messenger_updates (messenger, update_id) values (${e.messenger}, ${e.updateId})
        on conflict do nothing returning update_id`,
  );
  if (!seen) return { fresh: false };
  const blocked = e.body.kind === 'blocked';
  const [chat] = await queryRows<ChatRow>(
    db,
    sql`insert into messenger_chats (messenger, chat_id, title, language_code, blocked_at)
        values (${e.messenger}, ${e.chatId}, ${e.from.title}, ${e.from.languageCode}, ${blocked ? sql`now()` : null})
        on conflict (messenger, chat_id) do update set
          title = coalesce(excluded.title, messenger_chats.title),
          language_code = coalesce(excluded.language_code, messenger_chats.language_code),
          last_seen_at = now(),
          blocked_at = ${blocked ? sql`now()` : null}
        returning id, messenger, chat_id, current_account_id, state, language_code`,
  );
  const rate = await queryRows<{ locked: boolean }>(
    db,
    sql`select locked_until > now() as locked from rate_limits where key = ${chatKey(e)}`,
  );
  if (rate[0]?.locked) return { fresh: true, chat: chat!, limited: 'still' };
  const lockedNow = await countEvent(db, chatKey(e), CHAT_UPDATES);
  return { fresh: true, chat: chat!, limited: lockedNow > 0 ? 'now' : null };
}

const chatKey = (e: IncomingEvent) => `messenger:${e.messenger}:${e.chatId}`;

/**
 * Hourly: forgets update ids older than three days (Telegram stops re-sending long before) and link
 * tokens a day past their end (used or expired: they open nothing).
 */
export async function pruneMessengerData(db: Db): Promise<void> {
  await db.execute(sql`delete from messenger_updates where received_at < now() - interval '3 days'`);
  await db.execute(sql`delete from messenger_link_tokens where expires_at < now() - interval '1 day'`);
}
