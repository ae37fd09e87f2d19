import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { assertNotLocked, countEvent } from '../auth/rate-limit.js';
import { sendDirect } from '../notifications/notify.js';
import { issueCode } from './codes.js';

/** At most 3 codes per phone (or account) an hour, and 10 recovery requests per address an hour. */
export const PER_PHONE = { limit: 3, windowSeconds: 3600, lockSeconds: 3600 };
export const PER_IP = { limit: 10, windowSeconds: 3600, lockSeconds: 3600 };

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
 */
export async function startRecovery(
  db: Db,
  input: StartRecoveryInput,
  ctx: { ip: string; publicUrl: string },
): Promise<void> {
  const phoneKey = `recovery:phone:${input.phone}`;
  const accountKey = `recovery:account:${input.account}`;
  const ipKey = `recovery:ip:${ctx.ip}`;
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
  }>(
    db,
    sql`select c.id as contract_id, a.id as account_id, s.email, s.phone, s.lang
        from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
        where a.number = ${input.account} and a.region_id = ${input.regionId} and s.phone = ${input.phone}
          and c.status = 'active'`,
  );
  const address = c ? (input.channel === 'sms' ? c.phone : c.email) : null;
  if (!c || !address) return;
  await inTransaction(db, async (tx) => {
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
