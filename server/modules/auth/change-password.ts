import { and, eq, isNull, ne, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { PASSWORD_PROBLEM_TEXT } from '../../../common/password-messages.js';
import { passwordProblems } from '../../../common/password-rules.js';
import type { Db } from '../../db/client.js';
import { contracts, sessions } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { checkCurrentPassword } from './current-password.js';
import { hashPassword } from './passwords.js';

/** Refuses a weak password with every problem named in the caller's language (via params). */
export function assertStrongPassword(password: string, login: string): void {
  const problems = passwordProblems(password, { login });
  if (problems.length > 0) {
    throw new AppError('weak_password', {
      problems: {
        ru: problems.map((p) => PASSWORD_PROBLEM_TEXT[p].ru).join(', '),
        en: problems.map((p) => PASSWORD_PROBLEM_TEXT[p].en).join(', '),
      },
    });
  }
}

/** Ends every session of a contract, except the one given (the session that made the change). */
export async function revokeAllSessions(db: Db, opts: { contractId: number; exceptSessionId?: number }): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(sessions.contractId, opts.contractId),
        isNull(sessions.revokedAt),
        opts.exceptSessionId ? ne(sessions.id, opts.exceptSessionId) : undefined,
      ),
    );
}

/**
 * The subscriber sets a new password (also the forced change after the first sign-in): checks the
 * current one (counted like a sign-in, current-password.ts), the strength rules, stores the argon2id
 * hash, clears the must-change flag, and ends every other session.
 */
export async function changeSubscriberPassword(
  db: Db,
  opts: { contractId: number; sessionId: number; currentPassword: string; newPassword: string; ip?: string },
): Promise<void> {
  const [c] = await db.select().from(contracts).where(eq(contracts.id, opts.contractId));
  if (!c) throw new AppError('unauthorized');
  await checkCurrentPassword(db, {
    owner: { type: 'subscriber', contractId: c.id },
    password: opts.currentPassword,
    ip: opts.ip ?? 'unknown',
  });
  assertStrongPassword(opts.newPassword, c.number);
  if (opts.newPassword === opts.currentPassword)
    throw new AppError('weak_password', { problems: { ru: 'совпадает с текущим', en: 'same as the current one' } });
  const passwordHash = await hashPassword(opts.newPassword);
  await inTransaction(db, async (tx) => {
    await tx.update(contracts).set({ passwordHash, mustChangePassword: 0 }).where(eq(contracts.id, c.id));
    await revokeAllSessions(tx, { contractId: c.id, exceptSessionId: opts.sessionId });
    await recordAudit(tx, {
      actorType: 'subscriber',
      actorId: c.id,
      action: 'password.change',
      entity: 'contract',
      entityId: c.id,
      ip: opts.ip,
    });
  });
}
