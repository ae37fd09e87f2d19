import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireSubscriber, subscriberAccountId } from '../../plugins/auth.js';
import { fileResponse } from '../shared.schemas.js';
import { overviewResponse, statementCsvResponse, statementQuery, statementResponse } from './cabinet.schemas.js';
import { statementCsv, statementPdf } from './export-statement.js';
import { getOverview } from './get-overview.js';
import { getStatement } from './get-statement.js';

const security = [{ bearer: [] }];

/** Sends already checked JSON, UTF-8 encoded, as it is. */
function sendJson(reply: FastifyReply, json: Buffer | undefined): void {
  reply.type('application/json; charset=utf-8').send(json);
}

/** The subscriber's own information block and statement. The account always comes from the session. */
export const cabinetRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  // Statements may lag the primary by a moment: they read from the replica when there is one (docs/scale.md).
  const statements = deps.database.replica;

  app.get(
    '/api/me/overview',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['cabinet'],
        summary: 'Tariff, services, balance, days left, status',
        security,
        response: { 200: overviewResponse },
      },
    },
    (req, reply) => {
      const accountId = subscriberAccountId(req);
      // The JSON is checked against the response schema, serialised and UTF-8 encoded once per load; a
      // cached read sends those bytes as they are, without a promise. Bytes, not the string: names and
      // tariffs are Cyrillic, and a string would be measured and encoded again on every send.
      // The type provider expects the object; the bytes are that object's JSON, checked at load.
      const cached = deps.caches.overviews.peek(accountId);
      if (cached !== undefined) return sendJson(reply, cached);
      return deps.caches.overviews
        .getOrLoad(accountId, async () =>
          Buffer.from(JSON.stringify(overviewResponse.parse(await getOverview(db, accountId)))),
        )
        .then((json) => sendJson(reply, json));
    },
  );

  app.get(
    '/api/me/statement',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['cabinet'],
        summary: 'Ledger entries for a period with running balance, totals and a daily series',
        security,
        querystring: statementQuery,
        response: { 200: statementResponse },
      },
    },
    async (req) => getStatement(statements, subscriberAccountId(req), { ...req.query, lang: req.lang }),
  );

  app.get(
    '/api/me/statement.csv',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['cabinet'],
        summary: 'Statement as CSV (UTF-8, ;)',
        security,
        querystring: statementQuery,
        produces: ['text/csv'],
        response: { 200: statementCsvResponse },
      },
    },
    async (req, reply) => {
      const st = await getStatement(statements, subscriberAccountId(req), { ...req.query, lang: req.lang });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="statement-${st.from}-${st.to}.csv"`)
        .send(statementCsv(st, req.lang));
    },
  );

  app.get(
    '/api/me/statement.pdf',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['cabinet'],
        summary: 'Statement as PDF',
        security,
        querystring: statementQuery,
        produces: ['application/pdf'],
        response: { 200: fileResponse },
      },
    },
    async (req, reply) => {
      const accountId = subscriberAccountId(req);
      const [st, ov] = await Promise.all([
        getStatement(statements, accountId, { ...req.query, lang: req.lang }),
        getOverview(db, accountId),
      ]);
      const pdf = await statementPdf(st, { account: ov.account, fullName: ov.fullName }, req.lang);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="statement-${st.from}-${st.to}.pdf"`)
        .send(pdf);
    },
  );
};
