import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { subscribers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { checkCurrentPassword } from '../auth/current-password.js';
import { assertNotLocked, countEvent } from '../auth/rate-limit.js';
import { setChannelForAllTypes } from '../notifications/notice-settings.js';
import { notify, sendDirect } from '../notifications/notify.js';
import { consumeCode, issueCode } from '../recovery/codes.js';
import { CONTACT_HOLD_HOURS } from '../recovery/start-recovery.js';

/** Contact-change codes: 5 an hour per contract. */
const CONTACT_CODES = { limit: 5, windowSeconds: 3600, lockSeconds: 3600 };
const HOLD = sql`make_interval(hours => ${CONTACT_HOLD_HOURS})`;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

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
    totp: boolean;
    hotline: string;
    phone_held_until: Date | null;
    email_held_until: Date | null;
  }>(
    db,
    sql`select s.id as subscriber_id, a.id as account_id, a.number as account, c.number as contract, s.phone, s.email,
               s.notify_email, s.notify_sms, s.lang, c.totp_secret is not null as totp, r.support_phone as hotline,
               case when s.phone_changed_at > now() - ${HOLD} then s.phone_changed_at + ${HOLD} end as phone_held_until,
               case when s.email_changed_at > now() - ${HOLD} then s.email_changed_at + ${HOLD} end as email_held_until
        from contracts c join accounts a on a.contract_id = c.id join subscribers s on s.id = c.subscriber_id
          join regions r on r.id = a.region_id
        where c.id = ${contractId}`,
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
    totpEnabled: r.totp,
    recoveryHeldUntil: { phone: iso(r.phone_held_until), email: iso(r.email_held_until) },
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

/**
 * Sends a code to the NEW phone or e-mail; the change happens only when the code comes back. Needs the
 * current password (counted like a sign-in): a stolen session alone cannot move the contacts that
 * password recovery goes to.
 */
export async function startContactChange(
  db: Db,
  contractId: number,
  input: { kind: 'phone' | 'email'; value: string; password: string },
  ip: string,
) {
  const r = await owner(db, contractId);
  await checkCurrentPassword(db, { owner: { type: 'subscriber', contractId }, password: input.password, ip });
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
      .set(
        input.kind === 'phone'
          ? { phone: target, phoneChangedAt: sql`now()` }
          : { email: target, emailChangedAt: sql`now()` },
      )
      .where(eq(subscribers.id, r.subscriber_id));
    await tellOldContact(tx, r, input.kind, before, target);
    await recordAudit(tx, {
      actorType: 'subscriber',
      actorId: contractId,
      action: `contact.${input.kind}`,
      entity: 'subscriber',
      entityId: r.subscriber_id,
      // Which contact changed, never its value (docs/personal-data.md: the audit log refers, it does not copy).
      after: { changed: input.kind, hadValue: !!before },
      ip,
    });
  });
  return getProfile(db, contractId);
}

/** "+7 ••• •••-45-67", "iv•••@mail.ru": enough for the owner to recognise, not to copy. */
export function maskContact(kind: 'phone' | 'email', value: string): string {
  if (kind === 'phone') return `+${value.slice(0, 1)} ••• •••-${value.slice(-4, -2)}-${value.slice(-2)}`;
  const [name = '', domain = ''] = value.split('@');
  return `${name.slice(0, 2)}•••@${domain}`;
}

/**
 * The changed contact's previous address is told at once (and the inbox keeps a copy): if a stranger
 * with a stolen session made the change, the owner hears of it while recovery to the new contact is
 * still held (CONTACT_HOLD_HOURS).
 */
async function tellOldContact(
  tx: Db,
  r: Awaited<ReturnType<typeof owner>>,
  kind: 'phone' | 'email',
  before: string | null,
  after: string,
) {
  const what = kind === 'phone' ? { ru: 'телефон', en: 'phone' } : { ru: 'e-mail', en: 'e-mail' };
  const params = { contract: r.contract, masked: maskContact(kind, after), hotline: r.hotline };
  await notify(tx, {
    accountId: r.account_id,
    template: 'contact_changed',
    params: { ...params, what },
    channels: ['inbox'],
  });
  if (before && before !== after)
    await sendDirect(tx, {
      accountId: r.account_id,
      channel: kind === 'phone' ? 'sms' : 'email',
      address: before,
      template: 'contact_changed',
      lang: r.lang,
      params: { ...params, what: what[r.lang] },
    });
}
