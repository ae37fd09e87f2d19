import { desc } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { billingDays } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';

/** The most recent region-days of the daily run (of the caller's regions), newest first, for the back office. */
export async function listBillingDays(db: Db, opts: { limit: number; regions: RegionScope }) {
  const rows = await db
    .select()
    .from(billingDays)
    .where(inRegions(opts.regions, billingDays.regionId))
    .orderBy(desc(billingDays.day), billingDays.regionId)
    .limit(opts.limit);
  return rows.map((r) => ({
    regionId: r.regionId,
    day: r.day,
    state: r.state,
    charged: r.charged,
    amount: r.amount,
    blocked: r.blocked,
    finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
  }));
}
