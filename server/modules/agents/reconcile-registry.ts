import { eq, sql } from 'drizzle-orm';

import { isValidDay } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { agentReconciliations, agents, type ReconciliationDifference } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseRegistry } from './parse-registry.js';

/**
 * Compares an agent's registry for one day (by the agent's txn_date) with our payments from that
 * agent whose txn_date falls on the same day, stores the result and returns it. Differences:
 * in the registry but not with us, with us but not in the registry, and sum mismatches.
 */
export async function reconcileRegistry(
  db: Db,
  input: { agentCode: string; day: string; csv: string; staffId: number },
) {
  if (!isValidDay(input.day)) throw new AppError('bad_date', { value: input.day });
  const [agent] = await db.select().from(agents).where(eq(agents.code, input.agentCode));
  if (!agent) throw new AppError('agent_not_found', { code: input.agentCode });
  const registry = parseRegistry(input.csv);
  const compact = input.day.replace(/-/g, '');
  const foreign = registry.find((r) => !r.txnDate.startsWith(compact));
  if (foreign)
    throw new AppError('bad_registry', { line: '-', details: `txn ${foreign.txnId} is not dated ${input.day}` });

  const ours = await queryRows<{ id: number; external_id: string; amount: number; number: string }>(
    db,
    sql`select p.id, p.external_id, p.amount, a.number from payments p join accounts a on a.id = p.account_id
        where p.provider = ${`agent:${agent.code}`} and p.status = 'succeeded' and p.metadata->>'txnDay' = ${input.day}`,
  );
  const byTxn = new Map(ours.map((p) => [p.external_id, p]));
  const differences: ReconciliationDifference[] = [];
  for (const r of registry) {
    const p = byTxn.get(r.txnId);
    if (!p)
      differences.push({
        kind: 'missing_here',
        txnId: r.txnId,
        account: r.account,
        registrySum: r.amount,
        ourSum: null,
        paymentId: null,
      });
    else if (p.amount !== r.amount)
      differences.push({
        kind: 'sum_mismatch',
        txnId: r.txnId,
        account: r.account,
        registrySum: r.amount,
        ourSum: p.amount,
        paymentId: p.id,
      });
    byTxn.delete(r.txnId);
  }
  for (const p of byTxn.values()) {
    differences.push({
      kind: 'missing_in_registry',
      txnId: p.external_id,
      account: p.number,
      registrySum: null,
      ourSum: p.amount,
      paymentId: p.id,
    });
  }
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .insert(agentReconciliations)
      .values({
        agentId: agent.id,
        day: input.day,
        registryCount: registry.length,
        registrySum: registry.reduce((s, r) => s + r.amount, 0),
        ourCount: ours.length,
        ourSum: ours.reduce((s, p) => s + p.amount, 0),
        differences,
        createdBy: input.staffId,
      })
      .returning();
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: input.staffId,
      action: 'agent.reconciled',
      entity: 'agent',
      entityId: agent.id,
      after: { reconciliationId: row!.id, day: input.day, differences: differences.length },
    });
    return toView(row!, agent.code);
  });
}

export function toView(r: typeof agentReconciliations.$inferSelect, agentCode: string) {
  return {
    id: r.id,
    agent: agentCode,
    day: r.day,
    registry: { count: r.registryCount, sum: r.registrySum },
    ours: { count: r.ourCount, sum: r.ourSum },
    matched: r.differences.length === 0,
    differences: r.differences,
    createdAt: r.createdAt.toISOString(),
  };
}
