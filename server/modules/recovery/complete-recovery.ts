import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { contracts } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { attemptFailed, attemptSucceeded, takeAttempt } from '../auth/attempts.js';
import { assertStrongPassword, revokeAllSessions } from '../auth/change-password.js';
import { addressAttempt, type AuthSettings, ceilingAttempt } from '../auth/limits.js';
import { hashPassword } from '../auth/passwords.js';
import { findCode, useCode } from './codes.js';

/**
 * Sets a new password with a recovery code (with the account number) or the e-mailed link token.
 * The code is single-use and expires; every session of the contract ends; the reset is audited.
 *
 * Nothing in the answer tells a real account from an unknown one: the rules that do not depend on
 * the account (length, letters and digits, common passwords) are checked first for everyone; the
 * password is hashed (the slow step) before the account is even looked up, so both take as long; a
 * wrong code, an unknown account or a used code are one answer, `recovery_code_invalid`. Only a caller
 * who holds a valid code hears that the password contains the contract number — and keeps the code.
 * Every try counts against the caller's address (an IPv6 client by its /64: 20 an hour) and the endpoint's
 * global ceiling before anything is looked up, and against the code itself (5 tries) before it is
 * compared (codes.ts); right ones are given back to the address.
 */
export async function completeRecovery(
  db: Db,
  input: { account?: string; code?: string; token?: string; newPassword: string },
  ctx: { ip: string; settings: Pick<AuthSettings, 'attemptsPerMinute'> },
): Promise<void> {
  assertStrongPassword(input.newPassword, '');
  const taken = await takeAttempt(db, 'recovery_complete', [
    addressAttempt(ctx.ip, 'recovery:complete:ip'),
    ceilingAttempt('recovery_complete', ctx.settings.attemptsPerMinute),
  ]);
  const refuse: () => never = () => attemptFailed(taken, new AppError('recovery_code_invalid'));
  const passwordHash = await hashPassword(input.newPassword);

  let contractId: number | undefined;
  if (!input.token) {
    const [c] = await queryRows<{ id: number }>(
      db,
      sql`select c.id from contracts c join accounts a on a.contract_id = c.id where a.number = ${input.account ?? ''}`,
    );
    if (!c) refuse();
    contractId = c.id;
  }
  const code = await findCode(db, { purpose: 'recovery', contractId, code: input.code, token: input.token });
  if (!code) refuse();
  const [c] = await db.select({ number: contracts.number }).from(contracts).where(eq(contracts.id, code.contractId));
  assertStrongPassword(input.newPassword, c!.number);

  await attemptSucceeded(db, taken);
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
