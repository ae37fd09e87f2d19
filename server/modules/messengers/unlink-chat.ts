import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';

/** Who unlinks: the subscriber in the cabinet, staff on the subscriber card, or the person in the chat. */
export type UnlinkBy =
  | { subscriber: { accountId: number } }
  | { staff: { staffId: number; accountId: number; ip?: string } }
  | { chat: { chatRowId: number; accountId: number } };

/**
 * Removes one chat ↔ account link, from either side. The subscriber and staff name the link by its id
 * within the account (another account's link is "not found"); the chat names the account. A chat whose
 * current account it was moves to another of its accounts, or to none. Audited with who did it.
 */
export async function unlinkChat(db: Db, opts: { linkId?: number; by: UnlinkBy }) {
  return inTransaction(db, async (tx) => {
    const by = opts.by;
    const where =
      'chat' in by
        ? sql`l.chat_row_id = ${by.chat.chatRowId} and l.account_id = ${by.chat.accountId}`
        : sql`l.id = ${opts.linkId ?? 0} and l.account_id = ${'staff' in by ? by.staff.accountId : by.subscriber.accountId}`;
    const [gone] = await queryRows<{
      id: number;
      chat_row_id: number;
      account_id: number;
      messenger: string;
      title: string | null;
    }>(
      tx,
      sql`delete from messenger_links l using messenger_chats c
          where c.id = l.chat_row_id and ${where}
          returning l.id, l.chat_row_id, l.account_id, c.messenger, c.title`,
    );
    if (!gone) throw new AppError('messenger_link_not_found');
    await tx.execute(
      sql`update messenger_chats c set state = null, current_account_id =
            (select l.account_id from messenger_links l where l.chat_row_id = c.id order by l.id limit 1)
          where c.id = ${gone.chat_row_id} and (c.current_account_id = ${gone.account_id} or c.current_account_id is null)`,
    );
    const actor =
      'staff' in by
        ? { actorType: 'staff' as const, actorId: by.staff.staffId, ip: by.staff.ip }
        : { actorType: 'subscriber' as const, actorId: gone.account_id };
    await recordAudit(tx, {
      ...actor,
      action: 'messenger.unlink',
      entity: 'account',
      entityId: gone.account_id,
      before: { messenger: gone.messenger, chat: gone.chat_row_id, title: gone.title, link: gone.id },
      after: { via: 'chat' in by ? 'chat' : 'staff' in by ? 'staff' : 'cabinet' },
    });
    return { id: gone.id, chatRowId: gone.chat_row_id };
  });
}

/** The chats bound to an account (cabinet and subscriber card): who, since when, whether the bot is blocked. */
export async function listAccountLinks(db: Db, accountId: number) {
  const rows = await queryRows<{
    id: number;
    messenger: 'telegram';
    title: string | null;
    linked_at: Date | string;
    blocked_at: Date | string | null;
  }>(
    db,
    sql`select l.id, c.messenger, c.title, l.linked_at, c.blocked_at
        from messenger_links l join messenger_chats c on c.id = l.chat_row_id
        where l.account_id = ${accountId} order by l.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    messenger: r.messenger,
    title: r.title,
    linkedAt: new Date(r.linked_at).toISOString(),
    blocked: r.blocked_at !== null,
  }));
}
