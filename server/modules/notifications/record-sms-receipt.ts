import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { messageIdCandidates, type SmsDeliveryReceipt } from '../../integrations/sms/delivery-receipt.js';

/**
 * An SMSC delivery receipt for one SMS part: the part takes the receipt's final state, and the outbox
 * message becomes `undelivered` when any part failed, `delivered` when every part arrived. Receipts
 * that say "still on its way" change nothing. Returns false for an id we never sent (logged by the
 * caller) — the SMSC's receipt is still acknowledged.
 */
export async function recordSmsReceipt(db: Db, r: SmsDeliveryReceipt): Promise<boolean> {
  if (r.state === 'enroute') return true;
  return db.transaction(async (tx) => {
    const ids = messageIdCandidates(r.messageId);
    const [part] = await queryRows<{ outbox_id: number }>(
      tx,
      sql`update sms_parts set state = ${r.state}, detail = ${`${r.stat}${r.err ? ` err:${r.err}` : ''}`}, done_at = now()
          where ctid = (select ctid from sms_parts where message_id in (${sql.join(
            ids.map((i) => sql`${i}`),
            sql`, `,
          )}) order by submitted_at desc limit 1)
          returning outbox_id`,
    );
    if (!part) return false;
    await tx.execute(
      sql`update outbox o set
            state = case when p.failed > 0 then 'undelivered' else 'delivered' end,
            delivered_at = now()
          from (select count(*) filter (where state = 'undelivered') as failed,
                       count(*) filter (where state = 'delivered') as delivered,
                       max(total) as total
                from sms_parts where outbox_id = ${part.outbox_id}) p
          where o.id = ${part.outbox_id} and o.state in ('queued', 'sent', 'delivered')
            and (p.failed > 0 or p.delivered = p.total)`,
    );
    return true;
  });
}
