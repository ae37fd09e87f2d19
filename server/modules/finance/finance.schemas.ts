import { z } from 'zod';

import { CARD_REFUND_STATUSES } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { day, paymentMethod, paymentStatus } from '../shared.schemas.js';

export const accountIdParams = z.object({ accountId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const refundBody = z.object({
  amount: z.number().describe('kopecks to pay back, > 0 and not more than the balance'),
  reason: z.string().max(500).describe('required'),
  idempotencyKey: z.string().trim().min(1).max(200).describe('unique per refund (e.g. the payout document number)'),
});
export const correctionBody = z.object({
  amount: z.number().describe('signed kopecks: positive credits, negative debits; not 0'),
  reason: z.string().max(500).describe('required'),
  idempotencyKey: z.string().trim().min(1).max(200),
});
export const balanceChangeResponse = z.object({
  entryId: z.number(),
  created: z.boolean().describe('false when the key had been used: nothing changed again'),
  balanceBefore: z.number(),
  balance: z.number(),
  unblocked: z.boolean(),
});
export const paymentsQuery = z.object({
  from: day,
  to: day,
  method: paymentMethod.optional(),
  provider: z.string().max(80).optional(),
  status: paymentStatus.optional(),
  account: z.string().max(40).optional().describe('personal account number'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export const paymentsResponse = z.object({
  payments: z.array(
    z.object({
      id: z.number(),
      accountId: z.number(),
      account: z.string(),
      provider: z.string(),
      externalId: z.string().nullable(),
      amount: z.number(),
      status: paymentStatus,
      method: paymentMethod,
      day: z.string(),
      createdAt: z.string(),
      succeededAt: z.string().nullable(),
      receiptUrl: z.string().nullable(),
      refunded: z.number().describe('kopecks returned to the card so far'),
      refundPending: z.boolean().describe('a card refund is waiting for the provider'),
    }),
  ),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
  totals: z
    .array(z.object({ day: z.string(), method: paymentMethod, count: z.number(), amount: z.number() }))
    .describe('succeeded payments per day and method'),
  sum: z.number(),
});

export const paymentIdParams = z.object({ paymentId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const cardRefundBody = z.object({
  amount: z.number().describe('kopecks back to the card: > 0, at most what is left of the payment and on the balance'),
  reason: z.string().max(500).describe('required'),
  idempotencyKey: z.string().trim().min(1).max(200).describe('unique per refund request (the form makes one)'),
});
export const cardRefundStatus = component(
  'CardRefundStatus',
  z.enum(CARD_REFUND_STATUSES).describe('pending: the provider has not answered yet; a job asks again'),
);
export const cardRefundResponse = z.object({
  refundId: z.number(),
  status: cardRefundStatus,
  amount: z.number(),
  balance: z.number().describe('the account balance after this call'),
  created: z.boolean().describe('false when the key had been used: the first request answers'),
});
