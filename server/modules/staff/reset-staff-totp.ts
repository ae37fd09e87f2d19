import { eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { staffUsers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { revokeStaffSessions } from '../auth/change-staff-password.js';
import { recordTotpChange } from '../auth/totp-owner.js';

/**
 * An administrator clears another staff member's TOTP (a lost phone): their sessions end, and if their
 * role requires TOTP they set up a new app at the next sign-in (after the password). Audited; the staff
 * member is e-mailed. An administrator's own TOTP changes only through their own settings.
 */
export async function resetStaffTotp(db: Db, staffId: number, actor: { staffId: number; ip?: string }): Promise<void> {
  if (staffId === actor.staffId)
    throw new AppError('conflict', { details: 'change your own two-factor sign-in in your settings' });
  await inTransaction(db, async (tx) => {
    const [u] = await tx
      .update(staffUsers)
      .set({ totpSecret: null })
      .where(eq(staffUsers.id, staffId))
      .returning({ id: staffUsers.id });
    if (!u) throw new AppError('not_found');
    await revokeStaffSessions(tx, { staffId });
    await recordTotpChange(tx, { type: 'staff', id: staffId }, 'reset', {
      type: 'staff',
      id: actor.staffId,
      ip: actor.ip,
    });
  });
}
