import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { Messenger } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashLinkToken } from './issue-link-token.js';

export type LinkResult =
  | { linked: true; accountId: number; number: string }
  /** Unknown, expired or used token: the person gets a new link in the cabinet. */
  | { linked: false; reason: 'invalid' }
  /** The chat holds another person's accounts: one chat shows one person's accounts only. */
  | { linked: false; reason: 'other_person' };

/**
 * `/start <token>`: the token is used (once, while it lives) and the chat is bound to its account, which
 * becomes the chat's current one. A chat holds the accounts of one person: the same subscriber, or one
 * with the same phone (a person with contracts at two addresses); anyone else's is refused (the token is
 * spent all the same). Audited as the subscriber's action.
 */
export async function linkChat(
  db: Db,
  opts: { messenger: Messenger; chatRowId: number; token: string },
): Promise<LinkResult> {
  return inTransaction(db, async (tx) => {
    const [t] = await queryRows<{ account_id: number; number: string; subscriber_id: number; phone: string }>(
      tx,
      sql`with used as (
            update messenger_link_tokens set used_at = now()
            where token_hash = ${hashLinkToken(opts.token)} and messenger = ${opts.messenger}
              and used_at is null and expires_at > now()
            returning account_id)
          select a.id as account_id, a.number, s.id as subscriber_id, s.phone
          from used join accounts a on a.id = used.account_id join contracts c on c.id = a.contract_id
            join subscribers s on s.id = c.subscriber_id
          where a.status <> 'terminated'`,
    );
    if (!t) return { linked: false, reason: 'invalid' };
    const others = await queryRows<{ subscriber_id: number; phone: string }>(
      tx,
      sql`select l.subscriber_id, s.phone from messenger_links l join subscribers s on s.id = l.subscriber_id
          where l.chat_row_id = ${opts.chatRowId} and l.subscriber_id <> ${t.subscriber_id}`,
    );
    if (others.some((o) => !o.phone || o.phone !== t.phone)) return { linked: false, reason: 'other_person' };
    await tx.execute(
      sql`insert into messenger_links (chat_row_id, account_id, subscriber_id)
          values (${opts.chatRowId}, ${t.account_id}, ${t.subscriber_id}) on conflict (chat_row_id, account_id) do nothing`,
    );
    await tx.execute(
      sql`update messenger_chats set current_account_id = ${t.account_id}, state = null, blocked_at = null
          where id = ${opts.chatRowId}`,
    );
    await recordAudit(tx, {
      actorType: 'subscriber',
      actorId: t.account_id,
      action: 'messenger.link',
      entity: 'account',
      entityId: t.account_id,
      after: { messenger: opts.messenger, chat: opts.chatRowId },
    });
    return { linked: true, accountId: t.account_id, number: t.number };
  });
}
