import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { StaffRole } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { roleRequiresTotp } from '../staff/role-totp.js';
import { checkCurrentPassword } from './current-password.js';
import type { AuthSettings } from './limits.js';
import { checkTotp, type TotpOwner } from './second-factor.js';
import { passwordOwnerOf, recordTotpChange, storedSecretOf } from './totp-owner.js';

/**
 * Turns two-factor sign-in off with the password and a current code. A staff member whose role requires
 * it cannot (`totp_required_by_role`); an administrator can reset it for them (they set it up again).
 */
export async function disableTotp(
  db: Db,
  input: { owner: TotpOwner; password: string; code: string; ip: string },
  settings: AuthSettings,
): Promise<void> {
  if (input.owner.type === 'staff') {
    const [u] = await queryRows<{ role: StaffRole }>(
      db,
      sql`select role from staff_users where id = ${input.owner.id}`,
    );
    if (u && (await roleRequiresTotp(db, u.role))) throw new AppError('totp_required_by_role');
  }
  const existing = await storedSecretOf(db, input.owner);
  if (!existing) throw new AppError('totp_not_enabled');
  await checkCurrentPassword(db, { owner: passwordOwnerOf(input.owner), password: input.password, ip: input.ip });
  await checkTotp(db, { owner: input.owner, stored: existing, code: input.code, ip: input.ip }, settings);
  const table = input.owner.type === 'staff' ? sql`staff_users` : sql`contracts`;
  await inTransaction(db, async (tx) => {
    await tx.execute(sql`update ${table} set totp_secret = null where id = ${input.owner.id}`);
    await recordTotpChange(tx, input.owner, 'disabled', { type: input.owner.type, id: input.owner.id, ip: input.ip });
  });
}
