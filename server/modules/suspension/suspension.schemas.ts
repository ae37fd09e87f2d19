import { z } from 'zod';

import { SUSPENSION_STATUSES } from '../../db/schema/suspension.js';
import { day } from '../shared.schemas.js';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const idParams = z.object({ id });
export const accountParams = z.object({ id });
export const accountSuspensionParams = z.object({ id, suspensionId: id });
export const periodBody = z.object({ startsOn: day, endsOn: day.describe('the last day (inclusive)') });
export const applyBody = periodBody.extend({ comment: z.string().max(500).optional() });
export const refuseBody = z.object({ reason: z.string().trim().min(1).max(500) });
export const queueQuery = z.object({
  status: z.enum(SUSPENSION_STATUSES).default('pending'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const status = z.enum(SUSPENSION_STATUSES);

export const previewResponse = z.object({
  startsOn: z.string(),
  endsOn: z.string(),
  resumesOn: z.string(),
  days: z.number(),
  freeDays: z.number(),
  paidDays: z.number(),
  paidFrom: z.string().nullable(),
  cost: z.number().describe('kopecks for the paid days'),
  dailyFee: z.number(),
  freeDaysAvailable: z.number().describe('free days left at the chosen start'),
  autoApprove: z.boolean(),
});

export const applyResponse = z.object({ id: z.number(), status: z.enum(['pending', 'approved']) });

export const listResponse = z.object({
  today: z.string(),
  accountStatus: z.enum(['active', 'blocked', 'suspended', 'terminated']),
  rules: z.object({
    minDays: z.number(),
    maxDays: z.number(),
    freeDays: z.number(),
    windowDays: z.number(),
    dailyFee: z.number(),
    autoApprove: z.boolean(),
  }),
  freeDaysLeft: z.number(),
  suspensions: z.array(
    z.object({
      id: z.number(),
      status,
      startsOn: z.string(),
      endsOn: z.string(),
      endedOn: z.string().nullable(),
      comment: z.string().nullable(),
      refuseReason: z.string().nullable(),
      freeDays: z.number(),
      paidDays: z.number(),
      paidFrom: z.string().nullable(),
      dailyFee: z.number(),
      cost: z.number(),
      createdAt: z.string(),
      canCancel: z.boolean(),
      canEnd: z.boolean(),
    }),
  ),
});

export const endResponse = z.object({ id: z.number(), endedOn: z.string(), status: z.enum(['active', 'blocked']) });
export const cancelResponse = z.object({ id: z.number(), status: z.literal('cancelled') });
export const approveResponse = z.object({
  id: z.number(),
  status: z.literal('approved'),
  startsOn: z.string(),
  endsOn: z.string(),
});
export const refuseResponse = z.object({ id: z.number(), status: z.literal('refused') });

export const queueResponse = z.object({
  suspensions: z.array(
    z.object({
      id: z.number(),
      accountId: z.number(),
      account: z.string(),
      subscriber: z.string(),
      region: z.string(),
      status,
      startsOn: z.string(),
      endsOn: z.string(),
      endedOn: z.string().nullable(),
      days: z.number(),
      freeDays: z.number(),
      paidDays: z.number(),
      cost: z.number(),
      comment: z.string().nullable(),
      createdAt: z.string(),
      byStaff: z.boolean(),
    }),
  ),
});
