import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import { addManualPayment } from '../ledger/add-manual-payment.js';
import {
  accountIdParams,
  accountSummary,
  searchQuery,
  searchResponse,
  staffPaymentBody,
  staffPaymentResponse,
} from './accounts.schemas.js';
import { searchAccounts } from './search-accounts.js';
import { showAccount } from './show-account.js';

const security = [{ bearer: [] }];

export const accountsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.get(
    '/api/staff/accounts',
    {
      preValidation: requireStaff('operator', 'support', 'finance'),
      config: { region: FILTERED },
      schema: {
        tags: ['accounts'],
        summary: 'Search subscribers',
        security,
        querystring: searchQuery,
        response: { 200: searchResponse },
      },
    },
    async (req) => ({ accounts: await searchAccounts(db, { ...req.query, regions: regionScope(req) }) }),
  );

  app.get(
    '/api/staff/accounts/:id',
    {
      preValidation: requireStaff('operator', 'support', 'finance'),
      config: { region: regionOf('account', 'id') },
      schema: {
        tags: ['accounts'],
        summary: 'Subscriber card: account, subscriptions, last entries',
        security,
        params: accountIdParams,
        response: { 200: accountSummary },
      },
    },
    async (req) => showAccount(db, '', req.params.id),
  );

  app.post(
    '/api/staff/accounts/:id/payments',
    {
      preValidation: requireStaff('finance'),
      config: { region: regionOf('account', 'id') },
      schema: {
        tags: ['accounts'],
        summary: 'Record an office payment (cash desk, bank transfer); idempotent by key',
        security,
        params: accountIdParams,
        body: staffPaymentBody,
        response: { 200: staffPaymentResponse },
      },
    },
    async (req) => {
      const staff = staffPrincipal(req);
      const account = await showAccount(db, '', req.params.id);
      const r = await addManualPayment(db, {
        accountNumber: account.number,
        amount: req.body.amount,
        key: req.body.idempotencyKey,
        provider: req.body.method === 'cash' ? 'office_cash' : 'bank_transfer',
        method: req.body.method,
        source: `staff:${staff.staffId}`,
        comment: req.body.comment,
      });
      // Audited inside the payment's transaction by creditPayment (actor staff:<id>).
      return {
        paymentId: r.paymentId,
        credited: r.created,
        balance: r.balance,
        bonus: r.bonus,
        unblocked: r.unblocked,
      };
    },
  );
};
