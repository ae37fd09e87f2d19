import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

import type { Db } from '../db/client.js';
import type { StaffRole } from '../db/schema/index.js';
import { assertRegionRule, describeRule, type RegionRule } from '../policy/region-scope.js';
import { GUARD_ROLES } from './auth.js';
import { hooksOf } from './route-hooks.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Region scope of a staff route (server/policy/region-scope.ts). */
    region?: RegionRule;
  }
}

/** OpenAPI extensions every staff operation carries (docs/auth.md's role matrix is generated from them). */
export interface StaffOperationPolicy {
  'x-roles': StaffRole[];
  'x-region-scope': string;
}

const REGION_GUARD = Symbol('regionGuard');

/** The roles a route's staff guard lets in, read from the guard itself (plugins/auth.ts), or null. */
export function staffRolesOf(route: Pick<RouteOptions, 'preValidation'>): StaffRole[] | null {
  for (const h of hooksOf(route.preValidation)) {
    const roles = (h as unknown as Record<symbol, readonly StaffRole[] | undefined>)[GUARD_ROLES];
    if (roles) return [...roles];
  }
  return null;
}

/**
 * Roles and region scope, stated where they are enforced (issue 26). For every route as it is added:
 * - a path under /api/staff/ without a requireStaff guard stops the app from starting;
 * - a staff route's roles (from its guard) and region rule (`config.region`) are written into its
 *   OpenAPI operation as `x-roles` and `x-region-scope`, so the contract says what the guard does;
 * - a staff route that non-administrators may call must declare a region rule, or the app does not
 *   start; rules that name a row or a region get a check before the handler (404 outside scope).
 */
async function routePolicyPlugin(app: FastifyInstance, opts: { db: Db }) {
  app.addHook('onRoute', (route) => {
    const roles = staffRolesOf(route);
    const where = `${String(route.method)} ${route.url}`;
    if (!roles) {
      if (route.url.startsWith('/api/staff/'))
        throw new Error(`${where}: a /api/staff/ route must be guarded by requireStaff(…) (server/plugins/auth.ts)`);
      return;
    }
    const declared = route.config?.region;
    const rule: RegionRule | 'admin' | 'self' | undefined =
      declared ??
      (roles.every((r) => r === 'admin') ? 'admin' : route.url.startsWith('/api/staff/me/') ? 'self' : undefined);
    if (!rule)
      throw new Error(
        `${where}: staff of a region may call it, so it must declare config.region (server/policy/region-scope.ts)`,
      );
    const policy: StaffOperationPolicy = { 'x-roles': roles, 'x-region-scope': describeRule(rule) };
    route.schema = { ...route.schema, ...policy };
    if (typeof rule === 'string' || rule.kind === 'filtered' || rule.kind === 'none') return;
    const hooks = hooksOf(route.preHandler);
    if (hooks.some((h) => REGION_GUARD in h)) return; // the HEAD twin of a GET route
    const guard = Object.assign(
      async function regionGuard(this: FastifyInstance, req: Parameters<typeof assertRegionRule>[1]) {
        await assertRegionRule(opts.db, req, rule);
      },
      { [REGION_GUARD]: true },
    );
    // After the guard and the schema: a row of another region answers exactly as a row that does not
    // exist would for the same request (the handler's own "not found"), and only then.
    route.preHandler = [...hooks, guard] as RouteOptions['preHandler'];
  });
}

export default fp(routePolicyPlugin, { name: 'route-policy', dependencies: ['auth'] });
