import { sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';

/**
 * A region that an import has just made starts billing the next day (docs/import.md, "Cut-over day"):
 * the previous billing charged the import day, so that day is written as done with nothing charged,
 * and the next run begins after it. A region that already has billing days is not touched.
 */
export async function startRegionBillingAfter(db: Db, opts: { regionId: number; day: string }): Promise<void> {
  await db.execute(
    sql`insert into billing_days (region_id, day, state, finished_at)
        select ${opts.regionId}, ${opts.day}::date, 'done', now()
        where not exists (select 1 from billing_days where region_id = ${opts.regionId})`,
  );
}
