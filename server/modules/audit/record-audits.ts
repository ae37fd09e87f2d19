import { sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import type { AuditActorType } from '../../db/schema/index.js';

/**
 * recordAudit for many rows of one action by one actor (bulk operations), in one statement: each row
 * names its entity id and what changed. Call inside the transaction of the change it records.
 */
export async function recordAudits(
  db: Db,
  a: {
    actorType: AuditActorType;
    actorId?: string | number | null;
    ip?: string | null;
    action: string;
    entity: string;
    rows: { entityId: string | number; before?: unknown; after?: unknown }[];
  },
): Promise<void> {
  if (a.rows.length === 0) return;
  const rows = JSON.stringify(
    a.rows.map((r) => ({ entity_id: String(r.entityId), before: r.before ?? null, after: r.after ?? null })),
  );
  await db.execute(
    sql`insert into audit_log (actor_type, actor_id, action, entity, entity_id, before, after, ip)
        select ${a.actorType}, ${a.actorId == null ? null : String(a.actorId)}, ${a.action}, ${a.entity}, x.entity_id,
               x.before, x.after, ${a.ip ?? null}
        from jsonb_to_recordset(${rows}::jsonb) as x(entity_id text, before jsonb, after jsonb)`,
  );
}
