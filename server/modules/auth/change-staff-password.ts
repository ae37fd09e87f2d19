import { and, eq, isNull, ne, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { sessions, staffUsers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { assertStrongStaffPassword } from '../staff/staff-users.js';
import { checkCurrentPassword } from './current-password.js';
import { hashPassword } from './passwords.js';

/** Ends every session of a staff member, except the one given (the session that made the change). */
export async function revokeStaffSessions(db: Db, opts: { staffId: number; exceptSessionId?: number }): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(sessions.staffId, opts.staffId),
        eq(sessions.principalType, 'staff'),
        isNull(sessions.revokedAt),
        opts.exceptSessionId ? ne(sessions.id, opts.exceptSessionId) : undefined,
      ),
    );
}

/**
 * A staff member changes their own password (also the forced change of an initial password an
 * administrator set): the current one (counted like a sign-in), the staff strength rules, argon2id,
 * every other session of theirs ends, audited.
 */
export async function changeStaffPassword(
  db: Db,
  opts: { staffId: number; sessionId: number; currentPassword: string; newPassword: string; ip: string },
): Promise<void> {
  await checkCurrentPassword(db, {
    owner: { type: 'staff', staffId: opts.staffId },
    password: opts.currentPassword,
    ip: opts.ip,
  });
  assertStrongStaffPassword(opts.newPassword);
  if (opts.newPassword === opts.currentPassword)
    throw new AppError('weak_password', { problems: { ru: 'совпадает с текущим', en: 'same as the current one' } });
  const passwordHash = await hashPassword(opts.newPassword);
  await inTransaction(db, async (tx) => {
    await tx.update(staffUsers).set({ passwordHash, mustChangePassword: false }).where(eq(staffUsers.id, opts.staffId));
    await revokeStaffSessions(tx, { staffId: opts.staffId, exceptSessionId: opts.sessionId });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: 'staff.password_change',
      entity: 'staff',
      entityId: opts.staffId,
      ip: opts.ip,
    });
  });
}
