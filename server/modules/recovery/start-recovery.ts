import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { addressKey } from '../auth/attempts.js';
import { assertNotLocked, countEvent } from '../auth/rate-limit.js';
import { sendDirect } from '../notifications/notify.js';
import { issueCode } from './codes.js';

/** At most 3 codes per phone (or account) an hour, and 10 recovery requests per address (IPv6: /64) an hour. */
export const PER_PHONE = { limit: 3, windowSeconds: 3600, lockSeconds: 3600 };
export const PER_IP = { limit: 10, windowSeconds: 3600, lockSeconds: 3600 };
/** Recovery to a phone or e-mail changed in the cabinet is held this long after the change. */
export const CONTACT_HOLD_HOURS = 24;

export interface StartRecoveryInput {
  regionId: number;
  phone: string;
  account: string;
  channel: 'sms' | 'email';
}

/**
 * "Забыли пароль": region → phone given at signing + personal account number → SMS or e-mail.
 * Whether or not such an account exists, the caller gets the same answer after the same steps; a code
 * goes out only when region, phone and account match an active contract that has the chosen contact.
 *
 * A contact changed in the cabinet less than CONTACT_HOLD_HOURS ago gets no code: a stolen session could
 * have put it there to take the account over. It gets a message instead saying when recovery opens and
 * whom to call (the old contact was told of the change when it happened, profile/confirm-contact.ts).
 */
export async function startRecovery(
  db: Db,
  input: StartRecoveryInput,
  ctx: { ip: string; publicUrl: string },
): Promise<void> {
  const phoneKey = `recovery:phone:${input.phone}`;
  const accountKey = `recovery:account:${input.account}`;
  const ipKey = `recovery:ip:${addressKey(ctx.ip)}`;
  await assertNotLocked(db, [phoneKey, accountKey, ipKey]);
  // Counted for every request, found or not, so the limits reveal nothing either.
  await countEvent(db, phoneKey, PER_PHONE);
  await countEvent(db, accountKey, PER_PHONE);
  await countEvent(db, ipKey, PER_IP);

  const [c] = await queryRows<{
    contract_id: number;
    account_id: number;
    email: string | null;
    phone: string;
    lang: 'ru' | 'en';
    changed_at: Date | null;
    held: boolean;
    time_zone: string;
    hotline: string;
  }>(
    db,
    sql`select c.id as contract_id, a.id as account_id, s.email, s.phone, s.lang, r.time_zone, r.support_phone as hotline,
               ${input.channel === 'sms' ? sql`s.phone_changed_at` : sql`s.email_changed_at`} as changed_at,
               coalesce(${input.channel === 'sms' ? sql`s.phone_changed_at` : sql`s.email_changed_at`}
                        > now() - make_interval(hours => ${CONTACT_HOLD_HOURS}), false) as held
        from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
          join regions r on r.id = a.region_id
        where a.number = ${input.account} and a.region_id = ${input.regionId} and s.phone = ${input.phone}
          and c.status = 'active'`,
  );
  const address = c ? (input.channel === 'sms' ? c.phone : c.email) : null;
  if (!c || !address) return;
  await inTransaction(db, async (tx) => {
    if (c.held && c.changed_at) {
      const opens = new Date(new Date(c.changed_at).getTime() + CONTACT_HOLD_HOURS * 3600_000);
      const from = new Intl.DateTimeFormat(c.lang === 'en' ? 'en-GB' : 'ru-RU', {
        timeZone: c.time_zone,
        dateStyle: 'long',
        timeStyle: 'short',
      }).format(opens);
      await sendDirect(tx, {
        accountId: c.account_id,
        channel: input.channel,
        address,
        template: 'recovery_held',
        lang: c.lang,
        params: { from, hotline: c.hotline },
      });
      await recordAudit(tx, {
        actorType: 'subscriber',
        actorId: c.contract_id,
        action: 'recovery.held',
        entity: 'contract',
        entityId: c.contract_id,
        after: { channel: input.channel, opensAt: opens.toISOString() },
        ip: ctx.ip,
      });
      return;
    }
    const { code, token } = await issueCode(tx, { contractId: c.contract_id, purpose: 'recovery' });
    const link = input.channel === 'email' ? `${ctx.publicUrl}/recover?token=${token}` : '';
    await sendDirect(tx, {
      accountId: c.account_id,
      channel: input.channel,
      address,
      template: 'recovery_code',
      lang: c.lang,
      params: { code, link },
    });
  });
}
