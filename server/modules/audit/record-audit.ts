import type { Db } from '../../db/client.js';
import { type AuditActorType, auditLog } from '../../db/schema/index.js';

export interface AuditInput {
  actorType: AuditActorType;
  actorId?: string | number | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

/** Appends to the audit trail; call inside the transaction of the change it records. */
export async function recordAudit(db: Db, a: AuditInput): Promise<void> {
  await db.insert(auditLog).values({
    actorType: a.actorType,
    actorId: a.actorId == null ? null : String(a.actorId),
    action: a.action,
    entity: a.entity,
    entityId: a.entityId == null ? null : String(a.entityId),
    before: a.before ?? null,
    after: a.after ?? null,
    ip: a.ip ?? null,
  });
}
