import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { seal } from '../../crypto/secret-box.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { checkCurrentPassword } from './current-password.js';
import type { AuthSettings } from './limits.js';
import { checkTotp, type TotpOwner } from './second-factor.js';
import { matchTotpStep } from './totp.js';
import { passwordOwnerOf, recordTotpChange, storedSecretOf } from './totp-owner.js';

/**
 * Turns on two-factor sign-in, or moves it to a new app, for a staff member or a subscriber. Needs the
 * current password (counted like a sign-in) and, when TOTP is already on, a current code from the app
 * in use — so a stolen session alone can neither add an attacker's app nor replace the owner's. The new
 * app proves itself with a code of the new secret; that code's step is used up with it. The secret is
 * stored sealed (server/crypto/secret-box.ts); the change is audited and the owner told.
 */
export async function enableTotp(
  db: Db,
  input: { owner: TotpOwner; password: string; secret: string; code: string; currentCode?: string; ip: string },
  settings: AuthSettings,
): Promise<void> {
  await checkCurrentPassword(db, { owner: passwordOwnerOf(input.owner), password: input.password, ip: input.ip });
  const existing = await storedSecretOf(db, input.owner);
  if (existing)
    await checkTotp(db, { owner: input.owner, stored: existing, code: input.currentCode, ip: input.ip }, settings);
  const step = matchTotpStep(input.secret, input.code);
  if (step === null) throw new AppError('totp_invalid');
  const table = input.owner.type === 'staff' ? sql`staff_users` : sql`contracts`;
  await inTransaction(db, async (tx) => {
    await tx.execute(
      sql`update ${table} set totp_secret = ${seal(input.secret, 'totp', settings.secrets)},
            totp_last_step = greatest(coalesce(totp_last_step, 0), ${step}) where id = ${input.owner.id}`,
    );
    const actor = { type: input.owner.type, id: input.owner.id, ip: input.ip };
    await recordTotpChange(tx, input.owner, existing ? 'changed' : 'enabled', actor);
  });
}
