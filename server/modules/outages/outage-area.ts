import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { type RegionScope, seesRegion } from '../../policy/region-scope.js';
import type { BulkFilter } from '../bulk/bulk.schemas.js';
import { selectAccounts } from '../bulk/select-accounts.js';

export interface OutageArea {
  regionId: number;
  scope: 'region' | 'address' | 'nas';
  street?: string | null;
  houses?: string | null;
  nasId?: number | null;
}

/** Who an outage reaches: everyone with service to lose (not terminated) in its area. */
export const AFFECTED_STATUSES = ['active', 'blocked', 'suspended'] as const;

/**
 * An outage's area as a bulk selection (bulk/select-accounts.ts): the region, the street and houses in
 * it, or the subscribers whose latest RADIUS session was on the NAS. One selection for who is affected,
 * who is told, and the compensation's pre-filled filter.
 */
export function areaFilter(a: OutageArea): BulkFilter {
  const f: BulkFilter = { statuses: [...AFFECTED_STATUSES], regionIds: [a.regionId] };
  if (a.scope === 'address' && a.street) {
    f.street = a.street;
    if (a.houses) f.houses = a.houses;
  }
  if (a.scope === 'nas' && a.nasId) f.nasIds = [a.nasId];
  return f;
}

/** Refuses an area outside the staff member's regions or a NAS of another region. */
export async function checkArea(db: Db, a: OutageArea, scope: RegionScope): Promise<void> {
  if (!seesRegion(scope, a.regionId)) throw new AppError('region_not_found');
  const [r] = await queryRows<{ id: number }>(db, sql`select id from regions where id = ${a.regionId}`);
  if (!r) throw new AppError('region_not_found');
  if (a.scope === 'nas') {
    const [n] = await queryRows<{ region_id: number }>(db, sql`select region_id from nas where id = ${a.nasId ?? 0}`);
    if (!n) throw new AppError('not_found');
    if (Number(n.region_id) !== a.regionId) throw new AppError('outage_nas_region');
  }
}

/** How many subscribers an outage on this area would affect (the declare form's preview). */
export async function countAffected(db: Db, a: OutageArea, scope: RegionScope): Promise<number> {
  await checkArea(db, a, scope);
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int8 as n from (${selectAccounts(areaFilter(a), scope)}) s`,
  );
  return Number(row?.n ?? 0);
}
