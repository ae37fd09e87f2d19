import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

/**
 * Removes a subscriber's messenger links; a chat no longer linked to anyone forgets its name (@username),
 * its current account and pending step. Used by the anonymisation and by a withdrawal of consent. Returns
 * how many links went.
 */
export async function dropMessengerLinks(tx: Db, subscriberIds: number | number[]): Promise<number> {
  const ids = `{${([] as number[]).concat(subscriberIds).join(',')}}`;
  const chats = await queryRows<{ chat_row_id: number }>(
    tx,
    sql`delete from messenger_links where subscriber_id = any(${ids}::int8[]) returning chat_row_id`,
  );
  if (chats.length)
    await tx.execute(
      sql`update messenger_chats c set title = null, state = null, current_account_id = null
          where c.id = any(${`{${chats.map((c) => c.chat_row_id).join(',')}}`}::int8[])
            and not exists (select 1 from messenger_links l where l.chat_row_id = c.id)`,
    );
  return chats.length;
}
