import { and, eq, isNull, ne, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { PASSWORD_PROBLEM_TEXT } from '../../../common/password-messages.js';
import { passwordProblems } from '../../../common/password-rules.js';
import type { Db } from '../../db/client.js';
import { contracts, sessions } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { assertNotLocked, countEvent, resetKey } from './rate-limit.js';
import { PER_IP, PER_LOGIN } from './sign-in.js';

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
 * current one, the strength rules, stores the argon2id hash, clears the must-change flag, and ends
 * every other session. A wrong current password counts like a failed sign-in, against the same keys
 * (the contract and the address): a stolen session cannot be used to guess the password faster than
 * the sign-in form allows.
 */
export async function changeSubscriberPassword(
  db: Db,
  opts: { contractId: number; sessionId: number; currentPassword: string; newPassword: string; ip?: string },
): Promise<void> {
  const [c] = await db.select().from(contracts).where(eq(contracts.id, opts.contractId));
  if (!c) throw new AppError('unauthorized');
  const loginKey = `login:contract:${c.number}`;
  const ipKey = `login:ip:${opts.ip ?? 'unknown'}`;
  await assertNotLocked(db, [loginKey, ipKey]);
  if (!(await verifyPassword(c.passwordHash, opts.currentPassword))) {
    const wait = Math.max(await countEvent(db, loginKey, PER_LOGIN), await countEvent(db, ipKey, PER_IP));
    if (wait > 0) throw new AppError('rate_limited', { retryAfter: wait });
    throw new AppError('wrong_current_password');
  }
  await resetKey(db, loginKey);
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
