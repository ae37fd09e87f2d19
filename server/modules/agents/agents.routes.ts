import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { EVERY_REGION, noRegionData } from '../../policy/region-scope.js';
import * as s from './agents.schemas.js';
import { authenticateAgent } from './authenticate-agent.js';
import { createAgent } from './create-agent.js';
import { listAgents } from './list-agents.js';
import { listReconciliations } from './list-reconciliations.js';
import { osmpCheck } from './osmp-check.js';
import { osmpGetInfo } from './osmp-get-info.js';
import { osmpPay } from './osmp-pay.js';
import { OSMP, type OsmpAnswer, renderOsmp } from './osmp-protocol.js';
import { reconcileRegistry } from './reconcile-registry.js';
import { updateAgent } from './update-agent.js';
import type { OsmpQuery } from './validate-osmp-request.js';

const security = [{ bearer: [] }];

/**
 * Payment agents: the OSMP endpoint (HTTP Basic + IP allow-list, XML answers) and the staff API.
 * Agents post forms, so this encapsulated plugin parses application/x-www-form-urlencoded itself.
 */
export const agentsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  const handle = async (agentCode: string, req: FastifyRequest, reply: FastifyReply, q: OsmpQuery) => {
    const send = (a: OsmpAnswer, status = 200) =>
      reply.code(status).type('text/xml; charset=utf-8').send(renderOsmp(a));
    const auth = await authenticateAgent(db, { code: agentCode, authorization: req.headers.authorization, ip: req.ip });
    if (!auth.ok) {
      // Refused before anything is read: 401 for credentials, 403 for an address outside the list.
      const status = auth.reason === 'credentials' ? 401 : 403;
      if (status === 401) reply.header('www-authenticate', 'Basic realm="abonent-osmp"');
      return send(
        { txnId: q.txn_id ?? null, result: OSMP.forbiddenByAgent, comment: `refused: ${auth.reason}` },
        status,
      );
    }
    if (q.command === 'getInfo') return send(await osmpGetInfo(db, q));
    if (q.command === 'check') return send(await osmpCheck(db, auth.agent, q));
    if (q.command === 'pay') return send(await osmpPay(db, auth.agent, q));
    return send({ txnId: q.txn_id ?? null, result: OSMP.other, comment: 'unknown command' });
  };

  const osmpSchema = {
    tags: ['agents'],
    security: [{ basic: [] }],
    produces: ['text/xml'],
    params: s.osmpParams,
    response: { 200: s.osmpXml, 401: s.osmpXml, 403: s.osmpXml },
  };
  app.get(
    '/api/agents/:agentCode/osmp',
    { schema: { ...osmpSchema, summary: 'OSMP/QIWI getInfo, check and pay (query string)', querystring: s.osmpQuery } },
    (req, reply) => handle(req.params.agentCode, req, reply, req.query),
  );
  app.post(
    '/api/agents/:agentCode/osmp',
    {
      schema: {
        ...osmpSchema,
        summary: 'OSMP/QIWI getInfo, check and pay (form body)',
        consumes: ['application/x-www-form-urlencoded'],
        body: s.osmpQuery,
      },
    },
    (req, reply) => handle(req.params.agentCode, req, reply, req.body),
  );

  app.post(
    '/api/staff/agents',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['agents'],
        summary: 'Create a payment agent; returns its secret once',
        security,
        body: s.createAgentBody,
        response: { 200: s.createdAgent },
      },
    },
    async (req) => createAgent(db, req.body, staffPrincipal(req).staffId),
  );
  app.patch(
    '/api/staff/agents/:code',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['agents'],
        summary: 'Change an agent (disable, allow-list, bounds) or rotate its secret',
        security,
        params: s.agentCodeParams,
        body: s.updateAgentBody,
        response: { 200: s.updatedAgent },
      },
    },
    async (req) => updateAgent(db, req.params.code, req.body, staffPrincipal(req).staffId),
  );
  app.get(
    '/api/staff/agents',
    {
      preValidation: requireStaff('finance'),
      config: { region: noRegionData('payment agents (terminals, banks) serve the whole ISP') },
      schema: { tags: ['agents'], summary: 'List payment agents', security, response: { 200: s.agentList } },
    },
    async () => ({ agents: await listAgents(db) }),
  );
  app.post(
    '/api/staff/agents/:code/reconciliations',
    {
      preValidation: requireStaff('finance'),
      config: { region: EVERY_REGION },
      schema: {
        tags: ['agents'],
        summary: "Reconcile an agent's daily registry (CSV) with our payments",
        security,
        params: s.agentCodeParams,
        body: s.reconcileBody,
        response: { 200: s.reconciliationView },
      },
    },
    async (req) =>
      reconcileRegistry(db, {
        agentCode: req.params.code,
        day: req.body.day,
        csv: req.body.registry,
        staffId: staffPrincipal(req).staffId,
      }),
  );
  app.get(
    '/api/staff/agents/:code/reconciliations',
    {
      preValidation: requireStaff('finance'),
      config: { region: EVERY_REGION },
      schema: {
        tags: ['agents'],
        summary: 'Past reconciliations of an agent',
        security,
        params: s.agentCodeParams,
        querystring: s.reconciliationsQuery,
        response: { 200: s.reconciliationsList },
      },
    },
    async (req) => ({ reconciliations: await listReconciliations(db, req.params.code, req.query.day) }),
  );
};
