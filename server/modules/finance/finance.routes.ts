import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import { correctBalance } from './correct-balance.js';
import * as s from './finance.schemas.js';
import { listPayments } from './list-payments.js';
import { refundBalance } from './refund-balance.js';
import { refundCardPayment } from './refund-card-payment.js';

const security = [{ bearer: [] }];

/** Finance staff: refunds, corrections and the payments view. Office payments: accounts module. */
export const financeRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.post(
    '/api/staff/accounts/:accountId/refunds',
    {
      preValidation: requireStaff('finance'),
      config: { region: regionOf('account', 'accountId') },
      schema: {
        tags: ['finance'],
        summary: 'Refund money from the balance (payout happens outside); audited',
        security,
        params: s.accountIdParams,
        body: s.refundBody,
        response: { 200: s.balanceChangeResponse },
      },
    },
    async (req) =>
      refundBalance(db, {
        accountId: req.params.accountId,
        ...req.body,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      }),
  );
  app.post(
    '/api/staff/accounts/:accountId/corrections',
    {
      preValidation: requireStaff('finance'),
      config: { region: regionOf('account', 'accountId') },
      schema: {
        tags: ['finance'],
        summary: 'Correct the balance by a signed amount with a required reason; audited',
        security,
        params: s.accountIdParams,
        body: s.correctionBody,
        response: { 200: s.balanceChangeResponse },
      },
    },
    async (req) =>
      correctBalance(db, {
        accountId: req.params.accountId,
        ...req.body,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      }),
  );
  app.post(
    '/api/staff/payments/:paymentId/refunds',
    {
      preValidation: requireStaff('finance'),
      config: { region: regionOf('payment', 'paymentId') },
      schema: {
        tags: ['finance'],
        summary: 'Refund (part of) a card payment to the card through its provider; audited, with a refund receipt',
        security,
        params: s.paymentIdParams,
        body: s.cardRefundBody,
        response: { 200: s.cardRefundResponse },
      },
    },
    async (req) =>
      refundCardPayment(db, deps, {
        paymentId: req.params.paymentId,
        ...req.body,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      }),
  );
  app.get(
    '/api/staff/payments',
    {
      preValidation: requireStaff('finance'),
      config: { region: FILTERED },
      schema: {
        tags: ['finance'],
        summary: 'All payments with filters, a page, and totals per day and method',
        security,
        querystring: s.paymentsQuery,
        response: { 200: s.paymentsResponse },
      },
    },
    // A report: it may read from the replica (docs/scale.md).
    async (req) => listPayments(deps.database.replica, { ...req.query, regions: regionScope(req) }),
  );
};
