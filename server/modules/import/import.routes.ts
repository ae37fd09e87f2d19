import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { fileResponse } from '../shared.schemas.js';
import * as s from './import.schemas.js';
import {
  getImportRun,
  getLettersPdf,
  getPasswordBatch,
  listImportProblems,
  listImportRuns,
} from './list-import-runs.js';
import { receiveCsvUpload, UPLOAD_LIMITS } from './receive-csv-upload.js';
import { applyImport, startImport, startPasswordBatch } from './start-import.js';

const security = [{ bearer: [] }];
const tags = ['import'];

/**
 * Moving in from another billing (docs/import.md), for admins: upload CSV files or name a Ubilling /
 * ABillS database, read the dry run's report and problems, edit the mapping, run it for real, watch the
 * progress (the runs are jobs on the queue), then issue cabinet passwords.
 */
export const importRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  await app.register(multipart, { limits: UPLOAD_LIMITS });

  app.get(
    '/api/staff/imports',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'The latest import runs with their progress',
        security,
        response: { 200: s.importRunsList },
      },
    },
    async () => listImportRuns(db),
  );

  app.post(
    '/api/staff/imports/csv',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary:
          'Upload the CSV files (multipart/form-data: files in the field "files" named subscribers.csv, payments.csv, regions.csv, tariffs.csv, addons.csv, nas.csv, pools.csv; optional field "source") and start a dry run',
        security,
        consumes: ['multipart/form-data'],
        response: { 202: s.importCreated },
      },
    },
    async (req, reply) => {
      const upload = await receiveCsvUpload(req);
      const run = await startImport(
        db,
        { kind: 'csv', source: upload.source, dryRun: true, files: upload.files, staffId: staffPrincipal(req).staffId },
        deps.config.secrets,
        req.ip,
      );
      return reply.status(202).send(run);
    },
  );

  app.post(
    '/api/staff/imports/database',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'Start a dry run from the database of Ubilling or ABillS (read-only connection)',
        security,
        body: s.databaseImportBody,
        response: { 202: s.importCreated },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const run = await startImport(
        db,
        {
          kind: b.kind,
          source: b.source,
          dryRun: true,
          mapping: b.mapping,
          database: { url: b.url, abillsSecret: b.abillsSecret ?? null },
          staffId: staffPrincipal(req).staffId,
        },
        deps.config.secrets,
        req.ip,
      );
      return reply.status(202).send(run);
    },
  );

  app.get(
    '/api/staff/imports/:id',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'A run: state, progress, report and the mapping file',
        security,
        params: s.importIdParams,
        response: { 200: s.importRunDetail },
      },
    },
    async (req) => getImportRun(db, req.params.id),
  );

  app.get(
    '/api/staff/imports/:id/problems',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: "A run's refused rows, conflicts and warnings, each with its place in the source",
        security,
        params: s.importIdParams,
        querystring: s.problemsQuery,
        response: { 200: s.problemsList },
      },
    },
    async (req) => listImportProblems(db, req.params.id, req.query, req.lang),
  );

  app.post(
    '/api/staff/imports/:id/apply',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'Run for real what a dry run read, with the mapping as edited',
        security,
        params: s.importIdParams,
        body: s.applyImportBody,
        response: { 202: s.importCreated },
      },
    },
    async (req, reply) =>
      reply.status(202).send(
        await applyImport(db, req.params.id, req.body, {
          staffId: staffPrincipal(req).staffId,
          ip: req.ip,
          keys: deps.config.secrets,
        }),
      ),
  );

  app.post(
    '/api/staff/imports/passwords',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'Issue cabinet passwords to the imported subscribers of a source who have none (a job)',
        security,
        body: s.passwordBatchBody,
        response: { 202: s.importCreated },
      },
    },
    async (req, reply) =>
      reply.status(202).send(await startPasswordBatch(db, { ...req.body, staffId: staffPrincipal(req).staffId })),
  );

  app.get(
    '/api/staff/imports/passwords/:id',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'A batch of cabinet passwords: progress, and whether its letters are ready',
        security,
        params: s.importIdParams,
        response: { 200: s.passwordBatchView },
      },
    },
    async (req) => getPasswordBatch(db, req.params.id),
  );

  app.get(
    '/api/staff/imports/passwords/:id/letters',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: "The batch's letters as one PDF (kept for a day)",
        security,
        params: s.importIdParams,
        produces: ['application/pdf'],
        response: { 200: fileResponse },
      },
    },
    async (req, reply) =>
      reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="letters-${req.params.id}.pdf"`)
        .header('cache-control', 'no-store')
        .send(await getLettersPdf(db, req.params.id)),
  );
};
