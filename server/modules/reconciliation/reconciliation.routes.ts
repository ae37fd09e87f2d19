import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { EVERY_REGION } from '../../policy/region-scope.js';
import { listChannelDays } from './list-channel-days.js';
import { reconcileChannel } from './reconcile-channel.js';
import * as s from './reconciliation.schemas.js';
import { resolveDifference } from './resolve-difference.js';
import { showReconciliation } from './show-reconciliation.js';

const security = [{ bearer: [] }];

/**
 * The reconciliation view (docs/reports.md, "Reconciliation"): every channel per day, the provider's
 * report against the ledger's credits, and finance resolving each difference. Finance and admins.
 */
export const reconciliationRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const guard = requireStaff('finance');

  app.get(
    '/api/staff/reconciliation',
    {
      preValidation: guard,
      config: { region: EVERY_REGION },
      schema: {
        tags: ['reconciliation'],
        summary: 'Every channel per day: what the ledger credited, what the loaded report said, open differences',
        security,
        querystring: s.overviewQuery,
        response: { 200: s.overviewResponse },
      },
    },
    async (req) => listChannelDays(db, req.query),
  );
  app.post(
    '/api/staff/reconciliation',
    {
      preValidation: guard,
      config: { region: EVERY_REGION },
      schema: {
        tags: ['reconciliation'],
        summary:
          "Load a provider's report for a channel and day (T-Bank: read from its API) and compare it with the ledger's credits",
        security,
        body: s.reconcileBody,
        response: { 200: s.reconciliationView },
      },
    },
    async (req) =>
      reconcileChannel(
        db,
        {
          channel: req.body.channel,
          day: req.body.day,
          text: req.body.report ?? null,
          fileName: req.body.fileName ?? null,
          staffId: staffPrincipal(req).staffId,
          ip: req.ip,
        },
        { acquirers: deps.acquirers },
      ),
  );
  app.get(
    '/api/staff/reconciliation/:id',
    {
      preValidation: guard,
      config: { region: EVERY_REGION },
      schema: {
        tags: ['reconciliation'],
        summary: 'A reconciliation with its differences',
        security,
        params: s.reconciliationParams,
        response: { 200: s.reconciliationView },
      },
    },
    async (req) => showReconciliation(db, req.params.id),
  );
  app.post(
    '/api/staff/reconciliation/items/:itemId/resolve',
    {
      preValidation: guard,
      config: { region: EVERY_REGION },
      schema: {
        tags: ['reconciliation'],
        summary:
          'Resolve a difference: accept, credit the missing payment, post the sum difference, mark for refund or inquiry',
        security,
        params: s.itemParams,
        body: s.resolveBody,
        response: { 200: s.reconciliationView },
      },
    },
    async (req) =>
      resolveDifference(db, {
        itemId: req.params.itemId,
        action: req.body.action,
        note: req.body.note,
        account: req.body.account ?? null,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      }),
  );
};
