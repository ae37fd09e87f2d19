import { z } from 'zod';

import { AUDIT_ACTOR_TYPES } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { day } from '../shared.schemas.js';

export const auditQuery = z.object({
  entity: z.string().max(50).optional(),
  entityId: z.string().max(50).optional(),
  actor: z.string().max(50).optional(),
  from: day.optional(),
  to: day.optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const auditActorType = component('AuditActorType', z.enum(AUDIT_ACTOR_TYPES));

export const auditResponse = z.object({
  entries: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      actorType: auditActorType,
      actorId: z.string().nullable(),
      action: z.string(),
      entity: z.string(),
      entityId: z.string().nullable(),
      before: z.unknown(),
      after: z.unknown(),
      ip: z.string().nullable(),
    }),
  ),
});
