import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { inRegions, noRegionData, regionOf, regionScope } from '../../policy/region-scope.js';
import { createTag, getAccountTags, listTags, setAccountTags } from './account-tags.js';
import * as s from './tags.schemas.js';

const security = [{ bearer: [] }];
const tags = ['tags'];
const STAFF = requireStaff('operator', 'support', 'finance');

/** Account tags: the list with counts, a new tag, an account's tags (docs/bulk.md "Tags"). */
export const tagsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/staff/tags',
    {
      config: { region: noRegionData("tag names are ISP-wide; each count is narrowed to the caller's regions") },
      preValidation: STAFF,
      schema: { tags, summary: 'Tags with how many accounts carry each', security, response: { 200: s.tagsList } },
    },
    async (req) => listTags(db, inRegions(regionScope(req), sql`a.region_id`)),
  );
  app.post(
    '/api/staff/tags',
    {
      config: { region: noRegionData('a tag is a name; accounts get it through their own routes') },
      preValidation: requireStaff('operator', 'support'),
      schema: {
        tags,
        summary: 'Create a tag (or get the one with this name)',
        security,
        body: s.createTagBody,
        response: { 200: s.tagsList.shape.tags.element },
      },
    },
    async (req) => createTag(db, { name: req.body.name, staffId: staffPrincipal(req).staffId }),
  );
  app.get(
    '/api/staff/accounts/:id/tags',
    {
      config: { region: regionOf('account', 'id') },
      preValidation: STAFF,
      schema: {
        tags,
        summary: "An account's tags",
        security,
        params: s.accountParams,
        response: { 200: s.accountTags },
      },
    },
    async (req) => getAccountTags(db, req.params.id),
  );
  app.put(
    '/api/staff/accounts/:id/tags',
    {
      config: { region: regionOf('account', 'id') },
      preValidation: requireStaff('operator', 'support'),
      schema: {
        tags,
        summary: "Set an account's tags",
        security,
        params: s.accountParams,
        body: s.accountTagsBody,
        response: { 200: s.accountTags },
      },
    },
    async (req) =>
      setAccountTags(db, {
        accountId: req.params.id,
        tagIds: req.body.tagIds,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      }),
  );
};
