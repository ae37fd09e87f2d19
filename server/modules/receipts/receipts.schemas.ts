import { z } from 'zod';

import { RECEIPT_OPERATIONS, RECEIPT_SNOS, RECEIPT_STATUSES, RECEIPT_VATS } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { idNumber, paymentMethod } from '../shared.schemas.js';

export const receiptStatus = component('ReceiptStatus', z.enum(RECEIPT_STATUSES));
export const receiptOperation = component(
  'ReceiptOperation',
  z.enum(RECEIPT_OPERATIONS).describe('sell: a payment; sell_refund: money returned to the card'),
);
export const receiptSno = component('ReceiptSno', z.enum(RECEIPT_SNOS).describe('taxation system (СНО)'));
export const receiptVat = component(
  'ReceiptVat',
  z
    .enum(RECEIPT_VATS)
    .describe('VAT of the top-up item (an advance: a calculated rate R/(100+R), or none / vat0); must fit the СНО'),
);

export const regionParams = z.object({ regionId: z.coerce.number().int().positive().max(32_767) });
export const settingsBody = z.object({
  enabled: z.boolean(),
  groupCode: z.string().trim().min(1).max(100).describe('ATOL group code of the cash register'),
  inn: z.string().describe('10 or 12 digits'),
  paymentAddress: z.string().trim().min(1).max(256).describe('the site address shown on receipts'),
  sno: receiptSno,
  vat: receiptVat.optional().describe('default: vat122 on osn, none on the other systems'),
  companyEmail: z.string().email().max(64),
});
export const settingsView = z.object({
  regionId: z.number(),
  enabled: z.boolean(),
  groupCode: z.string(),
  inn: z.string(),
  paymentAddress: z.string(),
  sno: receiptSno,
  vat: receiptVat,
  companyEmail: z.string(),
});

export const myReceiptsResponse = z.object({
  receipts: z.array(
    z.object({
      paymentId: z.number(),
      operation: receiptOperation,
      method: paymentMethod,
      amount: z.number(),
      paidAt: z.string().nullable(),
      status: receiptStatus,
      receiptUrl: z.string().nullable(),
      receiptDatetime: z.string().nullable(),
    }),
  ),
});

export const staffReceiptsQuery = z.object({
  status: receiptStatus.optional(),
  account: z.string().max(40).optional().describe('personal account number'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export const staffReceiptsResponse = z.object({
  receipts: z.array(
    z.object({
      id: z.number(),
      operation: receiptOperation,
      paymentId: z.number(),
      refundId: z.number().nullable(),
      method: paymentMethod.describe('how the payment came: card, sbp, autopay, terminal…'),
      externalId: z
        .string()
        .nullable()
        .describe("ATOL's external_id of the first attempt (<installation>-<payment id>)"),
      account: z.string(),
      total: z.number(),
      status: receiptStatus,
      attempt: z.number().describe('1, +1 per re-issue of a refused document'),
      lastError: z.string().nullable(),
      receiptUrl: z.string().nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
      retryable: z.boolean().describe('failed, or stuck without a job: POST …/retry would send it again'),
    }),
  ),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
export const receiptIdParams = z.object({ receiptId: idNumber });
export const retryResponse = z.object({ id: z.number(), status: z.literal('pending'), attempt: z.number() });
