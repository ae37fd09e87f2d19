import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { RECEIPT_STATUSES } from '../../db/schema/index.js';
import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { listMyReceipts } from './list-my-receipts.js';
import { listReceipts } from './list-receipts.js';
import { retryReceipt } from './retry-receipt.js';
import { getReceiptSettings, saveReceiptSettings, SNO } from './save-receipt-settings.js';
import { ADVANCE_VATS } from './vat.js';

const security = [{ bearer: [] }];
const regionParams = z.object({ regionId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const settingsBody = z.object({
  enabled: z.boolean(),
  groupCode: z.string().trim().min(1).max(100).describe('ATOL group code of the cash register'),
  inn: z.string().describe('10 or 12 digits'),
  paymentAddress: z.string().trim().min(1).max(256).describe('the site address shown on receipts'),
  sno: z.enum(SNO).describe('tax system (ATOL company.sno)'),
  vat: z
    .enum(ADVANCE_VATS)
    .optional()
    .describe('VAT of the top-up (an advance: a calculated rate or none); default: vat122 on osn, none otherwise'),
  companyEmail: z.string().email().max(64),
});
const settingsView = settingsBody.extend({ regionId: z.number(), sno: z.string(), vat: z.string() });
const receiptsResponse = z.object({
  receipts: z.array(
    z.object({
      paymentId: z.number(),
      operation: z.enum(['sell', 'sell_refund']).describe('sell: a payment; sell_refund: money returned to the card'),
      amount: z.number(),
      paidAt: z.string().nullable(),
      status: z.string().describe('pending | registered | done | failed'),
      receiptUrl: z.string().nullable(),
      receiptDatetime: z.string().nullable(),
    }),
  ),
});

const staffReceiptsQuery = z.object({
  status: z.enum(RECEIPT_STATUSES).optional(),
  account: z.string().max(40).optional().describe('personal account number'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
const staffReceiptsResponse = z.object({
  receipts: z.array(
    z.object({
      id: z.number(),
      operation: z.enum(['sell', 'sell_refund']),
      paymentId: z.number(),
      refundId: z.number().nullable(),
      account: z.string(),
      total: z.number(),
      status: z.enum(RECEIPT_STATUSES),
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
const receiptIdParams = z.object({ receiptId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** 54-ФЗ receipts: per-region settings (admin), finance's list and re-sending, the subscriber's receipts. */
export const receiptsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/staff/regions/:regionId/receipt-settings',
    {
      preValidation: requireStaff('finance'),
      schema: {
        tags: ['receipts'],
        summary: "A region's online cash register settings",
        security,
        params: regionParams,
        response: { 200: settingsView },
      },
    },
    async (req) => getReceiptSettings(db, req.params.regionId),
  );
  app.put(
    '/api/staff/regions/:regionId/receipt-settings',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['receipts'],
        summary: "Set a region's online cash register (ATOL) settings",
        security,
        params: regionParams,
        body: settingsBody,
        response: { 200: settingsView },
      },
    },
    async (req) => saveReceiptSettings(db, req.params.regionId, req.body, staffPrincipal(req).staffId),
  );
  app.get(
    '/api/staff/receipts',
    {
      preValidation: requireStaff('finance'),
      schema: {
        tags: ['receipts'],
        summary: 'Fiscal receipts with their state and ATOL errors, newest first',
        security,
        querystring: staffReceiptsQuery,
        response: { 200: staffReceiptsResponse },
      },
    },
    async (req) => listReceipts(db, req.query),
  );
  app.post(
    '/api/staff/receipts/:receiptId/retry',
    {
      preValidation: requireStaff('finance'),
      schema: {
        tags: ['receipts'],
        summary: 'Send a failed or stuck receipt to ATOL again; audited',
        security,
        params: receiptIdParams,
        response: { 200: z.object({ id: z.number(), status: z.literal('pending'), attempt: z.number() }) },
      },
    },
    async (req) => retryReceipt(db, req.params.receiptId, staffPrincipal(req).staffId, req.ip),
  );
  app.get(
    '/api/me/receipts',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['receipts'],
        summary: 'My fiscal receipts with links',
        security,
        response: { 200: receiptsResponse },
      },
    },
    async (req) => ({ receipts: await listMyReceipts(db, subscriberAccountId(req)) }),
  );
};
