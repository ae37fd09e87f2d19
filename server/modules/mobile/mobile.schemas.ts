import { z } from 'zod';

import { MOBILE_REQUEST_STATUSES } from '../../db/schema/mobile.js';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const status = z.enum(MOBILE_REQUEST_STATUSES);

export const idParams = z.object({ id });
export const pageResponse = z.object({
  lead: z.object({ ru: z.string().nullable(), en: z.string().nullable() }),
  contactPhone: z.string().nullable(),
  packages: z.array(
    z.object({
      id: z.number(),
      nameRu: z.string(),
      nameEn: z.string(),
      descriptionRu: z.string(),
      descriptionEn: z.string(),
      monthlyFee: z.number(),
    }),
  ),
  requests: z.array(
    z.object({
      id: z.number(),
      serviceId: z.number().nullable(),
      phone: z.string(),
      convenientTime: z.string(),
      comment: z.string().nullable(),
      status,
      staffNote: z.string().nullable(),
      createdAt: z.string(),
      canCancel: z.boolean(),
    }),
  ),
});
export const requestBody = z.object({
  serviceId: z.number().int().positive().max(2_147_483_647).nullable().optional(),
  phone: z.string().trim().min(1).max(30),
  convenientTime: z.string().trim().min(1).max(100).describe('when to call, in the subscriber’s words'),
  comment: z.string().max(500).optional(),
});
export const requestResponse = z.object({ id: z.number(), status });
export const queueQuery = z.object({
  status: status.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const queueResponse = z.object({
  requests: z.array(
    z.object({
      id: z.number(),
      accountId: z.number(),
      account: z.string(),
      subscriber: z.string(),
      region: z.string(),
      packageRu: z.string().nullable(),
      phone: z.string(),
      convenientTime: z.string(),
      comment: z.string().nullable(),
      status,
      staffNote: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});
export const handleBody = z.object({
  status: z.enum(['in_progress', 'connected', 'refused']),
  note: z.string().max(500).optional(),
});
export const handleResponse = z.object({
  id: z.number(),
  status: z.enum(['in_progress', 'connected', 'refused']),
  subscriptionId: z.number().nullable(),
});
