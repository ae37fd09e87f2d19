import { eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { seal, type SecretKeys } from '../../crypto/secret-box.js';
import type { Db } from '../../db/client.js';
import { staffUsers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { verifyTotp } from './totp.js';

/**
 * Turns on two-factor sign-in once the staff member proves the app shows the right code. The secret is
 * stored sealed (server/crypto/secret-box.ts): a copy of the database alone cannot make codes.
 */
export async function enableTotp(
  db: Db,
  opts: { staffId: number; secret: string; code: string; ip?: string },
  keys: SecretKeys,
): Promise<void> {
  if (!verifyTotp(opts.secret, opts.code)) throw new AppError('totp_invalid');
  await inTransaction(db, async (tx) => {
    await tx
      .update(staffUsers)
      .set({ totpSecret: seal(opts.secret, 'totp', keys) })
      .where(eq(staffUsers.id, opts.staffId));
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: 'staff.totp_enabled',
      entity: 'staff',
      entityId: opts.staffId,
      ip: opts.ip,
    });
  });
}
