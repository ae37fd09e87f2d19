import { z } from 'zod';

import { PROMOTION_EFFECTS } from '../../db/schema/promotions.js';
import { day } from '../shared.schemas.js';
import { CONDITION_KINDS, INELIGIBLE } from './eligibility.js';

const effect = z.enum(PROMOTION_EFFECTS);
export const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const regionQuery = z.object({ regionId: z.coerce.number().int().positive().max(32_767).optional() });

const eligibility = z.object({
  newWithinDays: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe('only contracts signed at most this many days ago'),
  tariffIds: z.array(z.number().int().positive().max(2_147_483_647)).max(50).optional(),
  noDebt: z.boolean().optional(),
});

export const offersResponse = z.object({
  today: z.string(),
  offers: z.array(
    z.object({
      id: z.number(),
      titleRu: z.string(),
      titleEn: z.string(),
      descriptionRu: z.string(),
      descriptionEn: z.string(),
      startsOn: z.string(),
      endsOn: z.string().nullable(),
      current: z.boolean(),
      effect,
      percent: z.number().nullable(),
      months: z.number().nullable(),
      amount: z.number().nullable(),
      service: z.object({ id: z.number(), nameRu: z.string(), nameEn: z.string() }).nullable(),
      conditions: z
        .array(
          z.object({
            kind: z.enum(CONDITION_KINDS),
            met: z.boolean().describe('the account meets it now'),
            days: z.number().nullable().describe('new_within_days: the most days since the contract was signed'),
            contractAgeDays: z.number().nullable().describe("new_within_days: the account's contract age in days"),
            tariffs: z
              .array(z.object({ id: z.number(), nameRu: z.string(), nameEn: z.string() }))
              .nullable()
              .describe('tariffs: the plans that may join'),
          }),
        )
        .describe('who may join: every condition the promotion sets (none: every subscriber of the region)'),
      canJoin: z.boolean(),
      reason: z.enum(INELIGIBLE).nullable(),
      joined: z.object({ on: z.string(), from: z.string().nullable(), to: z.string().nullable() }).nullable(),
    }),
  ),
});

export const joinResponse = z.object({
  participationId: z.number(),
  effect,
  from: z.string(),
  to: z.string().nullable(),
  balance: z.number(),
  address: z.string().nullable(),
});

export const promotionCreate = z.object({
  regionId: z.number().int().positive().max(32_767),
  titleRu: z.string().trim().min(1).max(200),
  titleEn: z.string().trim().min(1).max(200),
  descriptionRu: z.string().max(2000).default(''),
  descriptionEn: z.string().max(2000).default(''),
  startsOn: day,
  endsOn: day.nullable().default(null),
  effect,
  percent: z.number().int().min(1).max(100).nullable().optional(),
  months: z.number().int().min(1).max(36).nullable().optional(),
  amount: z.number().int().positive().nullable().optional().describe('bonus: kopecks'),
  serviceId: z.number().int().positive().max(2_147_483_647).nullable().optional(),
  eligibility: eligibility.default({}),
});

export const promotion = z.object({
  id: z.number(),
  regionId: z.number(),
  titleRu: z.string(),
  titleEn: z.string(),
  descriptionRu: z.string(),
  descriptionEn: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  effect,
  percent: z.number().nullable(),
  months: z.number().nullable(),
  amount: z.number().nullable(),
  serviceId: z.number().nullable(),
  eligibility,
  ended: z.boolean(),
  participants: z.number(),
});
