import { randomBytes } from 'node:crypto';

import { eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { MAX_PAYMENT_KOPECKS } from '../../../common/money.js';
import type { Db } from '../../db/client.js';
import { agents } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashAgentSecret } from './authenticate-agent.js';
import { validCidr } from './create-agent.js';

export interface UpdateAgentInput {
  name?: string;
  allowedCidrs?: string[];
  minAmount?: number;
  maxAmount?: number;
  active?: boolean;
  fiscalizes?: boolean;
  /** The agent's commission in basis points of the amount it takes (100 = 1 %), for the agents report. */
  commissionBp?: number;
  /** Issue a new secret (the old one stops working at once); returned once. */
  rotateSecret?: boolean;
}

/** Changes an agent (disable, allow-list, bounds) or rotates its secret; audited without secrets. */
export async function updateAgent(db: Db, code: string, input: UpdateAgentInput, staffId: number) {
  if (input.allowedCidrs && (input.allowedCidrs.length === 0 || input.allowedCidrs.some((c) => !validCidr(c)))) {
    throw new AppError('validation_failed', { details: 'allowedCidrs' });
  }
  return inTransaction(db, async (tx) => {
    const [before] = await tx.select().from(agents).where(eq(agents.code, code)).for('update');
    if (!before) throw new AppError('agent_not_found', { code });
    const min = input.minAmount ?? before.minAmount;
    const max = input.maxAmount ?? before.maxAmount;
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 1 || max < min || max > MAX_PAYMENT_KOPECKS) {
      throw new AppError('validation_failed', { details: 'minAmount/maxAmount' });
    }
    const secret = input.rotateSecret ? randomBytes(32).toString('base64url') : null;
    const [row] = await tx
      .update(agents)
      .set({
        name: input.name ?? before.name,
        allowedCidrs: input.allowedCidrs ?? before.allowedCidrs,
        minAmount: min,
        maxAmount: max,
        active: input.active ?? before.active,
        fiscalizes: input.fiscalizes ?? before.fiscalizes,
        commissionBp: input.commissionBp ?? before.commissionBp,
        ...(secret ? { secretHash: hashAgentSecret(secret) } : {}),
      })
      .where(eq(agents.id, before.id))
      .returning();
    const view = (a: typeof agents.$inferSelect) => ({
      id: a.id,
      code: a.code,
      name: a.name,
      allowedCidrs: a.allowedCidrs,
      minAmount: a.minAmount,
      maxAmount: a.maxAmount,
      active: a.active,
      fiscalizes: a.fiscalizes,
    });
    const commission = { before: before.commissionBp, after: row!.commissionBp };
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: staffId,
      action: 'agent.updated',
      entity: 'agent',
      entityId: before.id,
      before: { ...view(before), commissionBp: commission.before },
      after: { ...view(row!), commissionBp: commission.after, secretRotated: !!secret },
    });
    return { ...view(row!), secret };
  });
}
