import { and, eq, gt, isNull, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { staffPasswordResets, staffUsers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { linkTokenHash } from '../staff/send-password-link.js';
import { assertStrongStaffPassword } from '../staff/staff-users.js';
import { attemptFailed, attemptSucceeded, takeAttempt } from './attempts.js';
import { revokeStaffSessions } from './change-staff-password.js';
import { addressAttempt } from './limits.js';
import { hashPassword } from './passwords.js';

/**
 * A staff member sets a new password from the link an administrator had sent: the link works once and
 * expires; every session of theirs ends; the must-change flag clears; TOTP stays as it was. Tries count
 * against the address (20 an hour) before the link is looked up.
 */
export async function completeStaffReset(
  db: Db,
  input: { token: string; newPassword: string },
  ctx: { ip: string },
): Promise<void> {
  assertStrongStaffPassword(input.newPassword);
  const taken = await takeAttempt(db, 'staff_reset_link', [addressAttempt(ctx.ip, 'staff-reset:ip')]);
  const passwordHash = await hashPassword(input.newPassword);
  const staffId = await inTransaction(db, async (tx) => {
    const [link] = await tx
      .update(staffPasswordResets)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(staffPasswordResets.tokenHash, linkTokenHash(input.token)),
          isNull(staffPasswordResets.usedAt),
          gt(staffPasswordResets.expiresAt, sql`now()`),
        ),
      )
      .returning();
    if (!link) return null;
    const [u] = await tx
      .update(staffUsers)
      .set({ passwordHash, mustChangePassword: false })
      .where(and(eq(staffUsers.id, link.staffId), eq(staffUsers.active, true)))
      .returning({ id: staffUsers.id });
    if (!u) return null;
    await revokeStaffSessions(tx, { staffId: u.id });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: u.id,
      action: 'staff.password_reset',
      entity: 'staff',
      entityId: u.id,
      ip: ctx.ip,
    });
    return u.id;
  });
  if (staffId === null) attemptFailed(taken, new AppError('staff_reset_link_invalid'));
  await attemptSucceeded(db, taken);
}
