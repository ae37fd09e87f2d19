import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { subscribers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { assertNotLocked, countEvent } from '../auth/rate-limit.js';
import { setChannelForAllTypes } from '../notifications/notice-settings.js';
import { sendDirect } from '../notifications/notify.js';
import { consumeCode, issueCode } from '../recovery/codes.js';

/** Contact-change codes: 5 an hour per contract. */
const CONTACT_CODES = { limit: 5, windowSeconds: 3600, lockSeconds: 3600 };

async function owner(db: Db, contractId: number) {
  const [r] = await queryRows<{
    subscriber_id: number;
    account_id: number;
    account: string;
    contract: string;
    phone: string;
    email: string | null;
    notify_email: number;
    notify_sms: number;
    lang: 'ru' | 'en';
  }>(
    db,
    sql`select s.id as subscriber_id, a.id as account_id, a.number as account, c.number as contract, s.phone, s.email, s.notify_email, s.notify_sms, s.lang
        from contracts c join accounts a on a.contract_id = c.id join subscribers s on s.id = c.subscriber_id where c.id = ${contractId}`,
  );
  if (!r) throw new AppError('unauthorized');
  return r;
}

/** Profile: numbers, contacts, preferences, and which contacts are missing (the cabinet urges filling them). */
export async function getProfile(db: Db, contractId: number) {
  const r = await owner(db, contractId);
  return {
    account: r.account,
    contract: r.contract,
    phone: r.phone || null,
    email: r.email,
    preferences: { email: r.notify_email === 1, sms: r.notify_sms === 1, lang: r.lang },
    missingContacts: [...(r.phone ? [] : ['phone' as const]), ...(r.email ? [] : ['email' as const])],
  };
}

export async function updatePreferences(
  db: Db,
  contractId: number,
  p: { email?: boolean; sms?: boolean; lang?: 'ru' | 'en' },
) {
  const r = await owner(db, contractId);
  const changes = {
    ...(p.email === undefined ? {} : { notifyEmail: p.email ? 1 : 0 }),
    ...(p.sms === undefined ? {} : { notifySms: p.sms ? 1 : 0 }),
    ...(p.lang ? { lang: p.lang } : {}),
  };
  // Nothing to change (an empty form): answer with the profile as it is.
  if (Object.keys(changes).length > 0) {
    await inTransaction(db, async (tx) => {
      await tx.update(subscribers).set(changes).where(eq(subscribers.id, r.subscriber_id));
      // The switches act on every notice type at once (the settings page chooses per type).
      if (p.email !== undefined) await setChannelForAllTypes(tx, r.subscriber_id, 'email', p.email);
      if (p.sms !== undefined) await setChannelForAllTypes(tx, r.subscriber_id, 'sms', p.sms);
    });
  }
  return getProfile(db, contractId);
}

/** Sends a code to the NEW phone or e-mail; the change happens only when the code comes back. */
export async function startContactChange(
  db: Db,
  contractId: number,
  input: { kind: 'phone' | 'email'; value: string },
) {
  const r = await owner(db, contractId);
  const key = `contact:contract:${contractId}`;
  await assertNotLocked(db, [key]);
  await countEvent(db, key, CONTACT_CODES);
  await inTransaction(db, async (tx) => {
    const { code } = await issueCode(tx, {
      contractId,
      purpose: input.kind === 'phone' ? 'contact_phone' : 'contact_email',
      target: input.value,
    });
    await sendDirect(tx, {
      accountId: r.account_id,
      channel: input.kind === 'phone' ? 'sms' : 'email',
      address: input.value,
      template: 'contact_code',
      lang: r.lang,
      params: { code },
    });
  });
}

export async function confirmContactChange(
  db: Db,
  contractId: number,
  input: { kind: 'phone' | 'email'; code: string },
  ip?: string,
) {
  const r = await owner(db, contractId);
  // Outside the transaction: a wrong try must stay counted although the request fails.
  const used = await consumeCode(db, {
    purpose: input.kind === 'phone' ? 'contact_phone' : 'contact_email',
    contractId,
    code: input.code,
  });
  const target = used?.target;
  if (!target) throw new AppError('contact_code_invalid');
  await inTransaction(db, async (tx) => {
    const before = input.kind === 'phone' ? r.phone : r.email;
    await tx
      .update(subscribers)
      .set(input.kind === 'phone' ? { phone: target } : { email: target })
      .where(eq(subscribers.id, r.subscriber_id));
    await recordAudit(tx, {
      actorType: 'subscriber',
      actorId: contractId,
      action: `contact.${input.kind}`,
      entity: 'subscriber',
      entityId: r.subscriber_id,
      before: { [input.kind]: before },
      after: { [input.kind]: target },
      ip,
    });
  });
  return getProfile(db, contractId);
}
