import { and, desc, eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { agentReconciliations, agents } from '../../db/schema/index.js';
import { toView } from './reconcile-registry.js';

/** Past reconciliations of an agent, newest first; optionally of one day. */
export async function listReconciliations(db: Db, agentCode: string, day?: string) {
  const [agent] = await db.select().from(agents).where(eq(agents.code, agentCode));
  if (!agent) throw new AppError('agent_not_found', { code: agentCode });
  const rows = await db
    .select()
    .from(agentReconciliations)
    .where(and(eq(agentReconciliations.agentId, agent.id), day ? eq(agentReconciliations.day, day) : undefined))
    .orderBy(desc(agentReconciliations.id))
    .limit(100);
  return rows.map((r) => toView(r, agent.code));
}
