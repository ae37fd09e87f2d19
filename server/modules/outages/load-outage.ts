import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { OutageState } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';

export interface OutageRow {
  id: number;
  region_id: number;
  time_zone: string;
  title: string;
  description: string;
  starts_at: Date | string;
  expected_end_at: Date | string;
  notified_end_at: Date | string | null;
  ended_at: Date | string | null;
  state: OutageState;
  compensation_id: number | null;
}

/** An outage of the staff member's regions (another region's is "not found"), locked with `lock`. */
export async function loadOutage(db: Db, id: number, scope: RegionScope, opts: { lock?: boolean } = {}) {
  const [o] = await queryRows<OutageRow>(
    db,
    sql`select o.id, o.region_id, r.time_zone, o.title, o.description, o.starts_at, o.expected_end_at,
               o.notified_end_at, o.ended_at, o.state, o.compensation_id
        from outages o join regions r on r.id = o.region_id
        where o.id = ${id} and ${inRegions(scope, sql`o.region_id`)}
        ${opts.lock ? sql`for update of o` : sql``}`,
  );
  if (!o) throw new AppError('outage_not_found');
  return o;
}
