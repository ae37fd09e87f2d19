import { z } from 'zod';

import { day, serviceKind } from '../shared.schemas.js';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const smallId = z.coerce.number().int().positive().max(2_147_483_647);

export const idParams = z.object({ id });
export const regionQuery = z.object({ regionId: z.coerce.number().int().positive().max(32_767).optional() });
export const officesQuery = z.object({ regionId: z.coerce.number().int().positive().max(32_767) });
export const queueQuery = regionQuery.extend({ limit: z.coerce.number().int().min(1).max(500).default(100) });

const officeView = z.object({
  id: z.number(),
  nameRu: z.string(),
  nameEn: z.string(),
  address: z.string(),
  hours: z.string(),
  phone: z.string().nullable(),
});

export const infoResponse = z.object({
  today: z.string(),
  firstDay: z.string(),
  lastDay: z.string(),
  offices: z.array(officeView),
  visit: z
    .object({ id: z.number(), officeId: z.number(), date: z.string(), time: z.string(), phone: z.string().nullable() })
    .nullable(),
});

export const bookBody = z.object({
  officeId: smallId,
  date: day,
  time: z.string().regex(/^\d{2}:\d{2}$/, 'HH:MM'),
  phone: z.string().trim().max(30).optional(),
});
export const bookResponse = z.object({ id: z.number(), officeId: z.number(), date: z.string(), time: z.string() });
export const visitStatusResponse = z.object({
  id: z.number(),
  status: z.enum(['booked', 'cancelled', 'completed', 'missed']),
});
export const closeVisitBody = z.object({ status: z.enum(['cancelled', 'missed']) });

export const settlementQuery = z.object({ date: day.describe('the visit day: tomorrow to 30 days ahead') });
export const settlementResponse = z.object({
  day: z.string().describe('the day the contract would be closed'),
  today: z.string(),
  balance: z.number().describe('kopecks now'),
  charges: z
    .array(
      z.object({
        kind: z.enum(['tariff', 'service', 'suspension']),
        serviceKind: serviceKind.nullable(),
        nameRu: z.string().nullable(),
        nameEn: z.string().nullable(),
        days: z.number(),
        amount: z.number().describe('kopecks charged over those days'),
      }),
    )
    .describe('what the daily runs charge from now up to and including the day, per plan, add-on or suspension fee'),
  charged: z.number(),
  balanceOnDay: z.number().describe('the balance the contract closes with, if nothing is paid before'),
  blockedOn: z
    .string()
    .nullable()
    .describe('the day the money runs out: service is blocked and nothing more is charged'),
  debt: z.number().describe('to be paid before the contract can close'),
  refund: z.number().describe('to be refunded: in cash at the office, or to the cards paid from'),
  cardRefundable: z.number().describe('how much of it can go back to cards'),
  billingBehind: z.boolean(),
});

export const queueResponse = z.object({
  visits: z.array(
    z.object({
      id: z.number(),
      accountId: z.number(),
      account: z.string(),
      subscriber: z.string(),
      office: z.string(),
      address: z.string(),
      date: z.string(),
      time: z.string(),
      phone: z.string().nullable(),
    }),
  ),
});

export const previewResponse = z.object({
  status: z.enum(['active', 'blocked', 'suspended', 'terminated']),
  today: z.string(),
  billingBehind: z.boolean().describe("the region's daily run is behind: termination waits for it"),
  todayCharge: z.number().describe("today's charge still to be taken by the settlement"),
  balance: z.number(),
  balanceAfter: z.number(),
  debt: z.number(),
  refund: z.number(),
  cardRefundable: z.number(),
  services: z.array(z.object({ nameRu: z.string(), nameEn: z.string(), kind: z.enum(['tariff', 'service']) })),
  visit: z.object({ id: z.number(), date: z.string(), time: z.string(), office: z.string() }).nullable(),
});

export const terminateBody = z.object({ refund: z.enum(['none', 'cash', 'card']) });
export const terminateResponse = z.object({
  accountId: z.number(),
  terminatedOn: z.string(),
  finalBalance: z.number(),
  refundMethod: z.enum(['none', 'cash', 'card']),
  refundAmount: z.number(),
  cardRefunds: z.array(
    z.object({
      paymentId: z.number(),
      amount: z.number(),
      status: z.enum(['pending', 'succeeded', 'failed', 'error']),
      error: z.string().optional(),
    }),
  ),
  balance: z.number(),
});

export const office = officeView.extend({ regionId: z.number(), active: z.boolean() });
export const officeCreate = z.object({
  regionId: z.number().int().positive().max(32_767),
  nameRu: z.string().trim().min(1).max(120),
  nameEn: z.string().trim().min(1).max(120),
  address: z.string().trim().min(1).max(300),
  hours: z.string().trim().max(120).default(''),
  phone: z.string().trim().max(30).nullable().default(null),
});
export const officePatch = officeCreate.omit({ regionId: true }).partial().extend({ active: z.boolean().optional() });
export const officeIdParams = z.object({ id: smallId });

export const staffStatementQuery = z.object({ from: day.optional(), to: day.optional() });
