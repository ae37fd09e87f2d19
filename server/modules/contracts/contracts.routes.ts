import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { regionInBody, regionOf } from '../../policy/region-scope.js';
import { fileResponse } from '../shared.schemas.js';
import { contractIdParams, signContractBody, signContractResponse } from './contracts.schemas.js';
import { getContractPdf } from './get-contract-pdf.js';
import { signContract } from './sign-contract.js';

const security = [{ bearer: [] }];

export const contractsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.post(
    '/api/staff/contracts',
    {
      preValidation: requireStaff('operator'),
      config: { region: regionInBody('regionId') },
      schema: {
        tags: ['contracts'],
        summary: 'Sign a contract: subscriber, account, initial password and the PDF',
        security,
        body: signContractBody,
        response: { 201: signContractResponse },
      },
    },
    async (req, reply) => {
      const r = await signContract(db, req.body, {
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
        secret: deps.config.secret,
        portalUrl: deps.config.publicUrl,
      });
      return reply.status(201).send({
        contract: r.contract,
        account: r.account,
        initialPassword: r.initialPassword,
        network: r.network,
        pdfUrl: `/api/staff/contracts/${r.contract.id}/pdf`,
      });
    },
  );

  app.get(
    '/api/staff/contracts/:id/pdf',
    {
      preValidation: requireStaff('operator'),
      config: { region: regionOf('contract', 'id') },
      schema: {
        tags: ['contracts'],
        summary: 'The signed contract PDF: for the staff member who signed it and administrators, for 24 hours',
        security,
        params: contractIdParams,
        produces: ['application/pdf'],
        response: { 200: fileResponse },
      },
    },
    async (req, reply) => {
      const staff = staffPrincipal(req);
      const { number, pdf } = await getContractPdf(db, {
        contractId: req.params.id,
        staff,
        secrets: deps.config.secrets,
      });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="contract-${number}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );
};
