import { type SQL, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';

import { staffPrincipal } from '../../plugins/auth.js';

/**
 * The regions a staff member works in: every region, or these ids (issue 26 scopes staff to regions).
 * Bulk selections and outages never leave them; this file is the one place that says how.
 */
export type RegionScope = 'all' | readonly number[];

/** The signed-in staff member's regions (every region until staff are scoped to regions). */
export function staffScope(req: FastifyRequest): RegionScope {
  const p = staffPrincipal(req) as { regions?: RegionScope };
  return p.regions ?? 'all';
}

/** A condition on a region id column: true for every region in scope. */
export function inScope(scope: RegionScope, column: SQL): SQL {
  if (scope === 'all') return sql`true`;
  if (scope.length === 0) return sql`false`;
  return sql`${column} = any(${`{${scope.map((r) => Math.trunc(r)).join(',')}}`}::int8[])`;
}

export function scopeSees(scope: RegionScope, regionId: number): boolean {
  return scope === 'all' || scope.includes(regionId);
}

/** Ids as a PostgreSQL array literal for `= any($1::int8[])`. */
export function idArray(ids: readonly number[]): string {
  return `{${ids.map((i) => Math.trunc(i)).join(',')}}`;
}
