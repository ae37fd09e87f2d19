import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import { listMyReceipts } from './list-my-receipts.js';
import { listReceipts } from './list-receipts.js';
import {
  myReceiptsResponse,
  receiptIdParams,
  regionParams,
  retryResponse,
  settingsBody,
  settingsView,
  staffReceiptsQuery,
  staffReceiptsResponse,
} from './receipts.schemas.js';
import { retryReceipt } from './retry-receipt.js';
import { getReceiptSettings, saveReceiptSettings } from './save-receipt-settings.js';

const security = [{ bearer: [] }];

/** 54-ФЗ receipts: per-region settings (admin), finance's list and re-sending, the subscriber's receipts. */
export const receiptsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/staff/regions/:regionId/receipt-settings',
    {
      preValidation: requireStaff('finance'),
      config: { region: regionOf('region', 'regionId') },
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
      config: { region: FILTERED },
      schema: {
        tags: ['receipts'],
        summary: 'Fiscal receipts with their state and ATOL errors, newest first',
        security,
        querystring: staffReceiptsQuery,
        response: { 200: staffReceiptsResponse },
      },
    },
    async (req) => listReceipts(db, { ...req.query, regions: regionScope(req) }),
  );
  app.post(
    '/api/staff/receipts/:receiptId/retry',
    {
      preValidation: requireStaff('finance'),
      config: { region: regionOf('receipt', 'receiptId') },
      schema: {
        tags: ['receipts'],
        summary: 'Send a failed or stuck receipt to ATOL again; audited',
        security,
        params: receiptIdParams,
        response: { 200: retryResponse },
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
        response: { 200: myReceiptsResponse },
      },
    },
    async (req) => ({ receipts: await listMyReceipts(db, subscriberAccountId(req)) }),
  );
};
