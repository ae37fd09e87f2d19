import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { dropMessengerLinks } from './drop-messenger-links.js';

/** What an anonymised subscriber's name, address and phone read as. */
export const ANONYMISED = 'Обезличено';

/**
 * 152-ФЗ art. 5 p. 7 and art. 21 p. 4 (docs/personal-data.md): a subscriber whose every contract was
 * terminated more than `retentionDays` ago has their personal data anonymised — in one set-based pass:
 * name, address, phone, e-mail and passport on the subscriber row; the phone of mobile requests and
 * termination visits; addresses and texts of notifications (one still queued is not sent); support tickets' subjects,
 * messages and files (the bytes go after the commit: removeErasedFiles); messenger links; the buyer's contact in registered
 * fiscal receipts; contact values copied into audit rows written before the audit kept none. Money
 * records (ledger entries, payments, receipts' sums, charges) and the account and contract numbers stay,
 * so `ledger verify` and every report read the same. Each anonymisation is audited (by subscriber id).
 * Returns the subscriber ids anonymised.
 */
export async function anonymizeSubscribers(db: Db, opts: { retentionDays: number; now?: Date }): Promise<number[]> {
  const now = (opts.now ?? new Date()).toISOString();
  return inTransaction(db, async (tx) => {
    const due = await queryRows<{ id: number }>(
      tx,
      sql`select s.id from subscribers s
          where s.anonymized_at is null
            and exists (select 1 from contracts c where c.subscriber_id = s.id)
            and not exists (
              select 1 from contracts c where c.subscriber_id = s.id
                and (c.status <> 'terminated' or c.terminated_on is null
                     or c.terminated_on > (${now}::timestamptz at time zone 'UTC')::date - ${opts.retentionDays}::int))
          order by s.id limit 5000
          for update of s skip locked`,
    );
    if (!due.length) return [];
    const ids = sql`${`{${due.map((d) => d.id).join(',')}}`}::int8[]`;
    const accountsOf = sql`select a.id from accounts a join contracts c on c.id = a.contract_id where c.subscriber_id = any(${ids})`;
    await tx.execute(
      sql`update subscribers set full_name = ${ANONYMISED}, address = ${ANONYMISED}, phone = ${ANONYMISED}, email = null,
            passport_enc = null, passport_last4 = null, notify_email = 0, notify_sms = 0, anonymized_at = ${now}::timestamptz
          where id = any(${ids})`,
    );
    await tx.execute(
      sql`update mobile_requests set phone = ${ANONYMISED}, comment = null where account_id in (${accountsOf})`,
    );
    await tx.execute(sql`update termination_visits set phone = null where account_id in (${accountsOf})`);
    await tx.execute(
      sql`update outbox set address = null, subject = '', body = '',
            state = case when state = 'queued' then 'failed' else state end,
            last_error = case when state = 'queued' then 'anonymised before delivery' else last_error end
          where account_id in (${accountsOf})`,
    );
    // Support: what was written in their tickets (by them, and staff answers and notes that address and
    // quote them) becomes the marker; files lose name and hash and may no longer be read, their bytes are
    // deleted after this commits (removeErasedFiles). Rows, authors, times, types and sizes stay for reports.
    const ticketsOf = sql`select t.id from support_tickets t where t.account_id in (${accountsOf})`;
    await tx.execute(sql`update support_tickets set subject = ${ANONYMISED} where id in (${ticketsOf})`);
    await tx.execute(
      sql`update support_messages set body = ${ANONYMISED} where ticket_id in (${ticketsOf}) and body <> ${ANONYMISED}`,
    );
    await tx.execute(
      sql`update support_attachments set file_name = ${ANONYMISED}, sha256 = '', erased_at = ${now}::timestamptz
          where erased_at is null
            and (message_id in (select m.id from support_messages m where m.ticket_id in (${ticketsOf}))
                 or owner_account_id in (${accountsOf}))`,
    );
    // Messenger chats linked to them: the links go (a chat's name is theirs).
    await dropMessengerLinks(
      tx,
      due.map((d) => d.id),
    );
    await tx.execute(
      sql`update receipts set payload = payload #- '{receipt,client}'
          where payload is not null and status <> 'pending'
            and payment_id in (select p.id from payments p where p.account_id in (${accountsOf}))`,
    );
    // The one change the audit log's append-only trigger lets through: keys removed, in this transaction.
    await tx.execute(sql`select set_config('abonent.anonymize', 'on', true)`);
    await tx.execute(
      sql`update audit_log set before = case when jsonb_typeof(before) = 'object' then before - 'phone' - 'email' - 'subscriber' else before end,
                               after = case when jsonb_typeof(after) = 'object' then after - 'phone' - 'email' - 'subscriber' else after end
          where (entity = 'subscriber' and entity_id = any(${sql`${`{${due.map((d) => d.id).join(',')}}`}::text[]`}))
             or (action = 'contract.sign' and entity_id in (select c.id::text from contracts c where c.subscriber_id = any(${ids})))`,
    );
    await tx.execute(sql`select set_config('abonent.anonymize', 'off', true)`);
    await tx.execute(
      sql`insert into audit_log (actor_type, action, entity, entity_id, after)
          select 'system', 'privacy.anonymized', 'subscriber', s.id::text,
                 jsonb_build_object('retentionDays', ${opts.retentionDays}::int,
                                    'contracts', (select jsonb_agg(c.number order by c.id) from contracts c where c.subscriber_id = s.id))
          from subscribers s where s.id = any(${ids})`,
    );
    return due.map((d) => d.id);
  });
}
