import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { contracts } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { assertStrongPassword, revokeAllSessions } from '../auth/change-password.js';
import { hashPassword } from '../auth/passwords.js';
import { assertNotLocked, countEvent, type LimitRule } from '../auth/rate-limit.js';
import { findCode, useCode } from './codes.js';

/** 20 refused completions from one address within an hour lock the address for an hour. */
export const COMPLETE_PER_IP: LimitRule = { limit: 20, windowSeconds: 3600, lockSeconds: 3600 };

/**
 * Sets a new password with a recovery code (with the account number) or the e-mailed link token.
 * The code is single-use and expires; every session of the contract ends; the reset is audited.
 *
 * Nothing in the answer tells a real account from an unknown one: the rules that do not depend on
 * the account (length, letters and digits, common passwords) are checked first for everyone; the
 * password is hashed (the slow step) before the account is even looked up, so both take as long; a
 * wrong code, an unknown account or a used code are one answer, `recovery_code_invalid`. Only a caller
 * who holds a valid code hears that the password contains the contract number — and keeps the code.
 * Refusals count against the caller's address.
 */
export async function completeRecovery(
  db: Db,
  input: { account?: string; code?: string; token?: string; newPassword: string },
  ctx: { ip: string },
): Promise<void> {
  const ipKey = `recovery:complete:ip:${ctx.ip}`;
  await assertNotLocked(db, [ipKey]);
  const refuse = async (): Promise<never> => {
    const wait = await countEvent(db, ipKey, COMPLETE_PER_IP);
    if (wait > 0) throw new AppError('rate_limited', { retryAfter: wait });
    throw new AppError('recovery_code_invalid');
  };
  assertStrongPassword(input.newPassword, '');
  const passwordHash = await hashPassword(input.newPassword);

  let contractId: number | undefined;
  if (!input.token) {
    const [c] = await queryRows<{ id: number }>(
      db,
      sql`select c.id from contracts c join accounts a on a.contract_id = c.id where a.number = ${input.account ?? ''}`,
    );
    if (!c) return refuse();
    contractId = c.id;
  }
  const code = await findCode(db, { purpose: 'recovery', contractId, code: input.code, token: input.token });
  if (!code) return refuse();
  const [c] = await db.select({ number: contracts.number }).from(contracts).where(eq(contracts.id, code.contractId));
  assertStrongPassword(input.newPassword, c!.number);

  await inTransaction(db, async (tx) => {
    if (!(await useCode(tx, code.id))) throw new AppError('recovery_code_invalid');
    await tx.update(contracts).set({ passwordHash, mustChangePassword: 0 }).where(eq(contracts.id, code.contractId));
    await revokeAllSessions(tx, { contractId: code.contractId });
    await recordAudit(tx, {
      actorType: 'subscriber',
      actorId: code.contractId,
      action: 'password.recovered',
      entity: 'contract',
      entityId: code.contractId,
      ip: ctx.ip,
    });
  });
}
