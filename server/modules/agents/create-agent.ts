import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

import { AppError } from '../../../common/errors.js';
import { MAX_PAYMENT_KOPECKS } from '../../../common/money.js';
import type { Db } from '../../db/client.js';
import { agents } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashAgentSecret } from './authenticate-agent.js';

export interface CreateAgentInput {
  code: string;
  name: string;
  allowedCidrs: string[];
  minAmount?: number;
  maxAmount?: number;
  /** The agent issues the receipts of its payments (default true: Abonent issues none for them). */
  fiscalizes?: boolean;
}

export function validCidr(c: string): boolean {
  const [net, bits, extra] = c.split('/');
  const f = isIP(net ?? '');
  if (!f || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (f === 4 ? 32 : 128);
}

/** Creates an agent and returns its HTTP Basic secret once; only its sha256 is kept. */
export async function createAgent(db: Db, input: CreateAgentInput, staffId: number) {
  if (!/^[a-z0-9_-]{2,32}$/.test(input.code)) throw new AppError('validation_failed', { details: 'code' });
  const bad = input.allowedCidrs.find((c) => !validCidr(c));
  if (bad !== undefined || input.allowedCidrs.length === 0)
    throw new AppError('validation_failed', { details: `allowedCidrs ${bad ?? ''}` });
  const min = input.minAmount ?? 100;
  const max = input.maxAmount ?? 1_500_000;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 1 || max < min || max > MAX_PAYMENT_KOPECKS) {
    throw new AppError('validation_failed', { details: 'minAmount/maxAmount' });
  }
  const secret = randomBytes(32).toString('base64url');
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .insert(agents)
      .values({
        code: input.code,
        name: input.name,
        secretHash: hashAgentSecret(secret),
        allowedCidrs: input.allowedCidrs,
        minAmount: min,
        maxAmount: max,
        fiscalizes: input.fiscalizes ?? true,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new AppError('agent_code_taken', { code: input.code });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: staffId,
      action: 'agent.created',
      entity: 'agent',
      entityId: row.id,
      after: {
        code: row.code,
        name: row.name,
        allowedCidrs: row.allowedCidrs,
        minAmount: min,
        maxAmount: max,
        fiscalizes: row.fiscalizes,
      },
    });
    return {
      id: row.id,
      code: row.code,
      name: row.name,
      allowedCidrs: row.allowedCidrs,
      minAmount: min,
      maxAmount: max,
      active: row.active,
      fiscalizes: row.fiscalizes,
      secret,
    };
  });
}
