import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { contracts } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { assertStrongPassword, revokeAllSessions } from '../auth/change-password.js';
import { hashPassword } from '../auth/passwords.js';
import { consumeCode } from './codes.js';

/**
 * Sets a new password with a recovery code (with the account number) or the e-mailed link token.
 * The code is single-use and expires; every session of the contract ends; the reset is audited.
 */
export async function completeRecovery(
  db: Db,
  input: { account?: string; code?: string; token?: string; newPassword: string },
  ctx: { ip: string },
): Promise<void> {
  let contractId: number | undefined;
  if (!input.token) {
    const [c] = await queryRows<{ id: number }>(
      db,
      sql`select c.id from contracts c join accounts a on a.contract_id = c.id where a.number = ${input.account ?? ''}`,
    );
    if (!c) throw new AppError('recovery_code_invalid');
    contractId = c.id;
  }
  // Check strength before using the code up, so a weak password does not waste it.
  if (contractId) {
    const [c] = await db.select({ number: contracts.number }).from(contracts).where(eq(contracts.id, contractId));
    assertStrongPassword(input.newPassword, c!.number);
  }
  const passwordHash = await hashPassword(input.newPassword);
  // Outside the transaction below: a wrong try must be counted even though the request fails.
  const used = await consumeCode(db, { purpose: 'recovery', contractId, code: input.code, token: input.token });
  if (!used) throw new AppError('recovery_code_invalid');
  const [c] = await db.select({ number: contracts.number }).from(contracts).where(eq(contracts.id, used.contractId));
  assertStrongPassword(input.newPassword, c!.number); // link-token path: the contract is known only now
  await inTransaction(db, async (tx) => {
    await tx.update(contracts).set({ passwordHash, mustChangePassword: 0 }).where(eq(contracts.id, used.contractId));
    await revokeAllSessions(tx, { contractId: used.contractId });
    await recordAudit(tx, {
      actorType: 'subscriber',
      actorId: used.contractId,
      action: 'password.recovered',
      entity: 'contract',
      entityId: used.contractId,
      ip: ctx.ip,
    });
  });
}
