import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { dropMessengerLinks } from './drop-messenger-links.js';

export type WithdrawnBy = { channel: 'cabinet' } | { channel: 'office'; staffId: number };

/**
 * The subscriber withdraws the consent to the processing of personal data (152-ФЗ art. 9 §2;
 * docs/personal-data.md, "Withdrawal"): every consent in force gets the time and the channel. What the
 * contract needs goes on (art. 6 §1 item 5: billing, service notices, support); the optional processing
 * stops at once, in the same transaction: messenger links are removed (the chat forgets the name) and
 * unused link tokens are voided; new links are refused while it stays withdrawn (`consentWithdrawn`).
 * Audited as `privacy.consent_withdrawn` by subscriber id.
 */
export async function withdrawConsent(db: Db, opts: { accountId: number; by: WithdrawnBy; ip?: string | null }) {
  return inTransaction(db, async (tx) => {
    const [s] = await queryRows<{ id: number; anonymized_at: string | null }>(
      tx,
      sql`select s.id, s.anonymized_at from accounts a join contracts c on c.id = a.contract_id
          join subscribers s on s.id = c.subscriber_id where a.id = ${opts.accountId}
          for no key update of s`,
    );
    if (!s) throw new AppError('account_not_found');
    const staffId = opts.by.channel === 'office' ? opts.by.staffId : null;
    const withdrawn = await queryRows<{ id: number; withdrawn_at: string }>(
      tx,
      sql`update consents set withdrawn_at = now(), withdrawal_channel = ${opts.by.channel},
            withdrawn_by_staff_id = ${staffId}
          where subscriber_id = ${s.id} and withdrawn_at is null returning id, withdrawn_at`,
    );
    if (!withdrawn.length) {
      const [any] = await queryRows(tx, sql`select 1 from consents where subscriber_id = ${s.id} limit 1`);
      throw new AppError(any ? 'consent_already_withdrawn' : 'consent_not_recorded');
    }
    const links = await dropMessengerLinks(tx, s.id);
    await tx.execute(
      sql`update messenger_link_tokens set used_at = now()
          where used_at is null and account_id in (
            select a.id from accounts a join contracts c on c.id = a.contract_id where c.subscriber_id = ${s.id})`,
    );
    await recordAudit(tx, {
      actorType: opts.by.channel === 'office' ? 'staff' : 'subscriber',
      actorId: staffId ?? opts.accountId,
      action: 'privacy.consent_withdrawn',
      entity: 'subscriber',
      entityId: s.id,
      after: { consents: withdrawn.map((w) => w.id), channel: opts.by.channel, messengerLinksRemoved: links },
      ip: opts.ip ?? null,
    });
    return { withdrawnAt: new Date(withdrawn[0]!.withdrawn_at).toISOString() };
  });
}

/**
 * Whether the account's subscriber withdrew their consent and gave none since. A subscriber with no
 * consent recorded (moved in from another system before consents were kept) has not withdrawn one.
 */
export async function consentWithdrawn(db: Db, accountId: number): Promise<boolean> {
  const [r] = await queryRows<{ withdrawn: boolean }>(
    db,
    sql`select bool_and(k.withdrawn_at is not null) as withdrawn
        from consents k join contracts c on c.subscriber_id = k.subscriber_id join accounts a on a.contract_id = c.id
        where a.id = ${accountId}`,
  );
  return r?.withdrawn === true;
}
