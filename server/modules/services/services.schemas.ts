import { z } from 'zod';

import { serviceKind } from '../shared.schemas.js';

export const rowId = z.coerce.number().int().positive().max(2_147_483_647);
export const accountIdParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const serviceIdParams = z.object({ serviceId: rowId });
export const accountServiceParams = accountIdParams.extend({ serviceId: rowId });

const planView = z.object({
  id: z.number(),
  nameRu: z.string(),
  nameEn: z.string(),
  monthlyFee: z.number().describe('kopecks per month'),
  speedDownKbps: z.number(),
  speedUpKbps: z.number(),
});

export const tariffOptionsResponse = z.object({
  status: z.enum(['active', 'blocked', 'suspended', 'terminated']),
  current: planView.extend({ archived: z.boolean() }).nullable(),
  pending: z.object({ id: z.number(), nameRu: z.string(), nameEn: z.string(), from: z.string() }).nullable(),
  plans: z.array(planView.extend({ descriptionRu: z.string(), descriptionEn: z.string(), current: z.boolean() })),
});

export const tariffChangeBody = z.object({ tariffId: rowId });

const nextCharge = z.object({ on: z.string(), amount: z.number().describe('kopecks') });

export const tariffPreviewResponse = z.object({
  current: planView.nullable(),
  next: planView,
  from: z.string().describe('the first day charged at the new plan (tomorrow)'),
  discountPercent: z.number().nullable().describe('a promotion discount that carries over to the new plan'),
  monthlyFeeBefore: z.number(),
  monthlyFeeAfter: z.number(),
  nextCharge,
  daysLeft: z.number().nullable().describe('days after today the money lasts at the new fees'),
  replacesPending: z.number().nullable(),
});

export const tariffChangeResponse = z.object({ tariffId: z.number(), from: z.string() });
export const cancelledResponse = z.object({ cancelled: z.boolean() });

export const addonsResponse = z.object({
  today: z.string(),
  addons: z.array(
    z.object({
      serviceId: z.number(),
      kind: serviceKind,
      nameRu: z.string(),
      nameEn: z.string(),
      descriptionRu: z.string(),
      descriptionEn: z.string(),
      monthlyFee: z.number(),
      connected: z.boolean(),
      subscription: z
        .object({
          id: z.number(),
          startsOn: z.string(),
          endsOn: z.string().nullable(),
          monthlyFee: z.number(),
          address: z.string().nullable(),
        })
        .nullable(),
      unavailable: z
        .enum(['already_connected', 'pool_empty', 'by_request'])
        .nullable()
        .describe('why it cannot be connected here now; by_request: a mobile package, asked for on the mobile page'),
    }),
  ),
});

export const addonPreviewBody = z.object({ serviceId: rowId, action: z.enum(['connect', 'disconnect']) });
export const addonBody = z.object({ serviceId: rowId });

export const addonPreviewResponse = z.object({
  action: z.enum(['connect', 'disconnect']),
  service: z.object({
    id: z.number(),
    kind: serviceKind,
    nameRu: z.string(),
    nameEn: z.string(),
    monthlyFee: z.number(),
  }),
  day: z.string().describe('connect: the first charged day; disconnect: the last day it works'),
  monthlyFeeBefore: z.number(),
  monthlyFeeAfter: z.number(),
  nextCharge,
  daysLeft: z.number().nullable(),
});

export const connectResponse = z.object({
  subscriptionId: z.number(),
  from: z.string(),
  address: z.string().nullable().describe('the static IP given'),
});
export const disconnectResponse = z.object({ lastDay: z.string(), releasedAddress: z.string().nullable() });

export const ipPoolQuery = z.object({ regionId: z.coerce.number().int().positive().max(32_767) });
export const ipRangeBody = z.object({
  regionId: z.number().int().positive().max(32_767),
  cidr: z.string().trim().min(9).max(18).describe('IPv4 network, e.g. 203.0.113.0/28 (at most a /20)'),
});
export const ipRangeResponse = z.object({ added: z.number(), skipped: z.number() });
export const ipPoolResponse = z.object({
  total: z.number(),
  free: z.number(),
  assigned: z.array(
    z.object({ address: z.string(), accountId: z.number(), account: z.string(), assignedAt: z.string() }),
  ),
});

export const queueCountsResponse = z.object({
  suspensions: z.number().describe('applications waiting for review'),
  mobileRequests: z.number().describe('mobile internet requests not yet handled'),
  terminationVisits: z.number().describe('booked termination visits'),
  terminationVisitsDue: z.number().describe('booked visits due today or overdue'),
});
