import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { EVERY_REGION, FILTERED, regionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import {
  billingDaysQuery,
  billingDaysResponse,
  runBillingBody,
  runBillingResponse,
  verifyResponse,
} from './billing.schemas.js';
import { listBillingDays } from './list-billing-days.js';
import { runBilling } from './run-billing.js';

export const billingRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.post(
    '/api/staff/billing/run',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['billing'],
        summary: 'Run (catch up) the daily charge by hand — admin only',
        security: [{ bearer: [] }],
        body: runBillingBody,
        response: { 200: runBillingResponse },
      },
    },
    async (req) => {
      const staff = staffPrincipal(req);
      // A run already going on elsewhere is waited for briefly; longer, the admin gets 409 billing_busy.
      const r = await runBilling(db, {
        until: req.body.date,
        regionId: req.body.regionId,
        batchSize: deps.config.BILLING_BATCH_ACCOUNTS,
        waitSeconds: 30,
      });
      await recordAudit(db, {
        actorType: 'staff',
        actorId: staff.staffId,
        action: 'billing.run',
        entity: 'billing',
        after: { date: r.date, charged: r.charged, amount: r.amount_kopecks, blocked: r.blocked },
        ip: req.ip,
      });
      return r;
    },
  );

  app.get(
    '/api/staff/billing/days',
    {
      preValidation: requireStaff('finance'),
      config: { region: FILTERED },
      schema: {
        tags: ['billing'],
        summary: 'Recent daily runs per region',
        security: [{ bearer: [] }],
        querystring: billingDaysQuery,
        response: { 200: billingDaysResponse },
      },
    },
    async (req) => ({ days: await listBillingDays(db, { limit: req.query.limit, regions: regionScope(req) }) }),
  );

  app.get(
    '/api/staff/ledger/verify',
    {
      preValidation: requireStaff('finance'),
      config: { region: EVERY_REGION },
      schema: {
        tags: ['billing'],
        summary: 'Check balance = sum of ledger for every account',
        security: [{ bearer: [] }],
        response: { 200: verifyResponse },
      },
    },
    async () => verifyLedger(db),
  );
};
