import { type SQL, sql, type SQLWrapper } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';

import { AppError, type ErrorCode } from '../../common/errors.js';
import { type Db, queryRows } from '../db/client.js';
import type { StaffRole } from '../db/schema/index.js';

/**
 * Region scope of staff (issue 26, docs/auth.md "Regions"): each staff user sees and changes the
 * subscribers of their regions only (administrators, and users given every region, see all). This file
 * is the one place that says how: every staff route declares a rule (`config.region`), and
 * `server/plugins/route-policy.ts` refuses to start the app with a staff route that has none.
 *
 * - `regionOf(resource, param)`: the route acts on one row named in the path. After the request is
 *   validated and before the handler runs, the row's region is looked up (REGION_OF below); out of
 *   scope the answer is the row's "not found" — what an id that does not exist gets.
 * - `regionInBody(field)`: the route creates something in the region the body names.
 * - `FILTERED`: the route lists rows of many accounts; its use-case narrows the query with
 *   `inRegions(regionScope(req), column)`.
 * - `EVERY_REGION`: ISP-wide work (an agent's registry, the ledger check): only staff who see every
 *   region may call it; others get 403.
 * - `noRegionData(why)`: the route reads or changes nothing of any region's subscribers.
 * Routes only administrators may call need no rule (administrators see every region); nor do the
 * caller's own account routes under `/api/staff/me/`.
 */
export type ResourceKind = keyof typeof REGION_OF;

export type RegionRule =
  | { kind: 'resource'; resource: ResourceKind; param: string }
  | { kind: 'body'; field: string }
  | { kind: 'filtered' }
  | { kind: 'every-region' }
  | { kind: 'none'; why: string };

/** Every region, or these region ids. */
export type RegionScope = 'all' | readonly number[];

/** A staff user's scope from their row: administrators and users given every region see all. */
export function scopeOfStaff(u: {
  role: StaffRole;
  allRegions: boolean;
  regionIds: readonly (number | string)[] | null;
}) {
  return u.role === 'admin' || u.allRegions ? ('all' as const) : (u.regionIds ?? []).map(Number);
}

/** The same rule in SQL, for a query over `staff_users` (alias `u`): does the user see this region? */
export const staffUserSeesRegion = (regionId: SQLWrapper | number): SQL =>
  sql`(u.role = 'admin' or u.all_regions or ${regionId}::int8 = any(u.region_ids))`;

/** The region of one row, and the "not found" its route answers when there is no such row. */
const REGION_OF = {
  account: {
    notFound: 'account_not_found',
    region: (id: number) => sql`select region_id from accounts where id = ${id}`,
  },
  contract: {
    notFound: 'not_found',
    region: (id: number) => sql`select region_id from contracts where id = ${id}`,
  },
  payment: {
    notFound: 'payment_not_found',
    region: (id: number) =>
      sql`select a.region_id from payments p join accounts a on a.id = p.account_id where p.id = ${id}`,
  },
  receipt: {
    notFound: 'not_found',
    region: (id: number) =>
      sql`select a.region_id from receipts r join payments p on p.id = r.payment_id join accounts a on a.id = p.account_id
          where r.id = ${id}`,
  },
  ticket: {
    notFound: 'ticket_not_found',
    region: (id: number) => sql`select region_id from support_tickets where id = ${id}`,
  },
  /** A file sent in a ticket has the ticket's region; a staff member's unsent upload has none (only its owner reads it). */
  attachment: {
    notFound: 'attachment_not_found',
    region: (id: number) =>
      sql`select t.region_id from support_attachments f join support_tickets t on t.id = f.ticket_id where f.id = ${id}`,
  },
  suspension: {
    notFound: 'suspension_not_found',
    region: (id: number) =>
      sql`select a.region_id from suspensions s join accounts a on a.id = s.account_id where s.id = ${id}`,
  },
  visit: {
    notFound: 'visit_not_found',
    region: (id: number) =>
      sql`select a.region_id from termination_visits v join accounts a on a.id = v.account_id where v.id = ${id}`,
  },
  mobileRequest: {
    notFound: 'mobile_request_not_found',
    region: (id: number) =>
      sql`select a.region_id from mobile_requests m join accounts a on a.id = m.account_id where m.id = ${id}`,
  },
  region: { notFound: 'region_not_found', region: (id: number) => sql`select ${id}::int8 as region_id` },
} satisfies Record<string, { notFound: ErrorCode; region: (id: number) => SQL }>;

/** What a route answers for a row outside the caller's regions: its answer for a row that does not exist. */
export const notFoundOf = (resource: ResourceKind): ErrorCode => REGION_OF[resource].notFound;

export const regionOf = (resource: ResourceKind, param: string): RegionRule => ({ kind: 'resource', resource, param });
export const regionInBody = (field: string): RegionRule => ({ kind: 'body', field });
export const FILTERED: RegionRule = { kind: 'filtered' };
export const EVERY_REGION: RegionRule = { kind: 'every-region' };
export const noRegionData = (why: string): RegionRule => ({ kind: 'none', why });

/** How the OpenAPI document (`x-region-scope`) and docs/auth.md state a rule. */
export function describeRule(rule: RegionRule | 'admin' | 'self'): string {
  if (typeof rule === 'string') return rule;
  switch (rule.kind) {
    case 'resource':
      return `${rule.resource}:${rule.param}`;
    case 'body':
      return `body:${rule.field}`;
    case 'none':
      return 'none';
    default:
      return rule.kind;
  }
}

/** The signed-in staff member's regions (call on staff routes, after the guard). */
export function regionScope(req: FastifyRequest): RegionScope {
  const p = req.principal;
  if (!p || p.type !== 'staff') throw new AppError('unauthorized');
  return p.regions;
}

/** A condition on a region id column: true for every region in scope. */
export function inRegions(scope: RegionScope, column: SQLWrapper): SQL {
  if (scope === 'all') return sql`true`;
  if (scope.length === 0) return sql`false`;
  return sql`${column} = any(${`{${scope.map((r) => Math.trunc(r)).join(',')}}`}::int8[])`;
}

export function seesRegion(scope: RegionScope, regionId: number): boolean {
  return scope === 'all' || scope.includes(regionId);
}

/** A path or body value as an id, or null when it is not one (the route's schema then refuses it). */
function asId(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : null;
  if (typeof v === 'string' && /^[1-9]\d{0,14}$/.test(v)) return Number(v);
  return null;
}

/**
 * Refuses the request when the rule's row (or region) is outside the caller's regions. A row that
 * does not exist is left to the handler, which answers the same "not found".
 */
export async function assertRegionRule(db: Db, req: FastifyRequest, rule: RegionRule): Promise<void> {
  const scope = regionScope(req);
  if (scope === 'all') return;
  if (rule.kind === 'every-region') throw new AppError('forbidden');
  if (rule.kind === 'body') {
    const id = asId((req.body as Record<string, unknown> | undefined)?.[rule.field]);
    if (id !== null && !scope.includes(id)) throw new AppError('region_not_found');
    return;
  }
  if (rule.kind !== 'resource') return;
  const raw = (req.params as Record<string, unknown>)[rule.param];
  const id = asId(raw);
  if (id === null) return;
  const spec = REGION_OF[rule.resource];
  const [row] = await queryRows<{ region_id: number | string | null }>(db, spec.region(id));
  if (!row || row.region_id === null) return;
  if (!scope.includes(Number(row.region_id))) throw new AppError(spec.notFound, { account: String(raw) });
}
