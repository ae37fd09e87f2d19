import { sql } from 'drizzle-orm';

import type { Lang } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { recordAudit } from '../audit/record-audit.js';
import { notify, sendDirect } from '../notifications/notify.js';
import type { PasswordOwner } from './current-password.js';
import type { TotpOwner } from './second-factor.js';

export const passwordOwnerOf = (o: TotpOwner): PasswordOwner =>
  o.type === 'staff' ? { type: 'staff', staffId: o.id } : { type: 'subscriber', contractId: o.id };

/** The owner's stored (sealed) TOTP secret, null when two-factor sign-in is off. */
export async function storedSecretOf(db: Db, o: TotpOwner): Promise<string | null> {
  const [r] = await queryRows<{ totp_secret: string | null }>(
    db,
    o.type === 'staff'
      ? sql`select totp_secret from staff_users where id = ${o.id}`
      : sql`select totp_secret from contracts where id = ${o.id}`,
  );
  return r?.totp_secret ?? null;
}

const CHANGES = {
  enabled: { ru: 'включён', en: 'turned on' },
  changed: { ru: 'переподключён к другому приложению', en: 'moved to another app' },
  disabled: { ru: 'отключён', en: 'turned off' },
  reset: { ru: 'сброшен администратором или оператором', en: 'reset by staff' },
};

/**
 * Audits a change of two-factor sign-in and tells the person, in the change's transaction: a staff
 * member by e-mail, a subscriber in the cabinet inbox and by e-mail/SMS as they chose.
 */
export async function recordTotpChange(
  tx: Db,
  o: TotpOwner,
  change: keyof typeof CHANGES,
  actor: { type: 'staff' | 'subscriber'; id: number; ip?: string },
): Promise<void> {
  await recordAudit(tx, {
    actorType: actor.type,
    actorId: actor.id,
    action: o.type === 'staff' ? `staff.totp_${change}` : `totp.${change}`,
    entity: o.type === 'staff' ? 'staff' : 'contract',
    entityId: o.id,
    ip: actor.ip,
  });
  if (o.type === 'staff') {
    const [s] = await queryRows<{ email: string }>(tx, sql`select email from staff_users where id = ${o.id}`);
    // Staff e-mails are in Russian, the back office's first language (staff have no language setting).
    const lang: Lang = 'ru';
    if (s)
      await sendDirect(tx, {
        accountId: null,
        channel: 'email',
        address: s.email,
        template: 'totp_changed',
        lang,
        params: { change: CHANGES[change][lang], whom: 'администратору' },
      });
    return;
  }
  const [a] = await queryRows<{ id: number }>(tx, sql`select id from accounts where contract_id = ${o.id}`);
  if (a)
    await notify(tx, {
      accountId: a.id,
      template: 'totp_changed',
      params: { change: CHANGES[change], whom: { ru: 'на горячую линию', en: 'the hotline' } },
    });
}
