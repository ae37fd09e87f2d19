import { and, desc, eq, gte, lt, lte } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';

/** The audit trail, newest first, filtered by entity, actor and time; `before` pages by id. */
export async function listAudit(
  db: Db,
  f: { entity?: string; entityId?: string; actor?: string; from?: string; to?: string; before?: number; limit: number },
) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        f.entity ? eq(auditLog.entity, f.entity) : undefined,
        f.entityId ? eq(auditLog.entityId, f.entityId) : undefined,
        f.actor ? eq(auditLog.actorId, f.actor) : undefined,
        f.from ? gte(auditLog.at, new Date(`${f.from}T00:00:00Z`)) : undefined,
        f.to ? lte(auditLog.at, new Date(`${f.to}T23:59:59.999Z`)) : undefined,
        f.before ? lt(auditLog.id, f.before) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(f.limit);
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
