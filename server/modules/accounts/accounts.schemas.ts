import { z } from 'zod';

import { accountStatus, ledgerKind, serviceKind } from '../shared.schemas.js';

export const accountIdParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const searchQuery = z.object({
  q: z.string().trim().min(2).max(100).describe('account or contract number, phone, or part of the name'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const accountHit = z.object({
  id: z.number(),
  number: z.string(),
  contract: z.string(),
  subscriber: z.string(),
  phone: z.string(),
  region: z.string(),
  status: accountStatus,
  balance: z.number(),
});
export const searchResponse = z.object({ accounts: z.array(accountHit) });
export const accountSummary = z.object({
  id: z.number(),
  number: z.string(),
  contract: z.string(),
  subscriber: z.string(),
  region: z.string(),
  today: z.string().describe("today's date in the account's region (YYYY-MM-DD): where its statement windows end"),
  status: accountStatus,
  balance: z.number(),
  creditLimit: z.number(),
  promisedCredit: z.number(),
  subscriptions: z.array(
    z.object({
      kind: z.enum(['tariff', 'service']),
      serviceKind: serviceKind.nullable().describe("an add-on's kind; null for the plan"),
      name: z.string(),
      address: z.string().nullable().describe("a static IP add-on's address"),
      monthlyFee: z.number(),
      startsOn: z.string(),
      endsOn: z.string().nullable(),
    }),
  ),
  lastEntries: z.array(
    z.object({ effectiveOn: z.string(), kind: ledgerKind, amount: z.number(), comment: z.string().nullable() }),
  ),
});
export const staffPaymentBody = z.object({
  amount: z.number().int().describe('kopecks, > 0'),
  method: z.enum(['cash', 'bank_transfer']),
  idempotencyKey: z.string().trim().min(1).max(200).describe('unique per payment (e.g. the cash receipt number)'),
  comment: z.string().max(500).optional(),
});
export const staffPaymentResponse = z.object({
  paymentId: z.number(),
  credited: z.boolean().describe('false when the key had been used: nothing was credited again'),
  balance: z.number(),
  bonus: z.number(),
  unblocked: z.boolean(),
});
