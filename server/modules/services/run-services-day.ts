import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { RegionSettings } from '../../db/schema/index.js';
import { runSuspensions } from '../suspension/run-suspensions.js';
import { rulesOf } from '../suspension/suspension-history.js';
import { releaseStaticIps } from './static-ip.js';

/**
 * The services part of a region's daily run, before day D is charged: suspensions start and finish
 * (docs/suspension.md), and static IPs of add-ons that ended before D (removed, a free promotion
 * add-on whose period is over) go back to the pool. `accountId`: for that account of the region only
 * (runAccountDay).
 */
export async function runServicesDay(db: Db, opts: { regionId: number; day: string; accountId?: number }) {
  const [r] = await queryRows<{ settings: RegionSettings }>(
    db,
    sql`select settings from regions where id = ${opts.regionId}`,
  );
  const suspensions = await runSuspensions(db, { ...opts, rules: rulesOf(r?.settings ?? {}) });
  const released = await releaseStaticIps(
    db,
    sql`select i.subscription_id from ip_addresses i join subscriptions s on s.id = i.subscription_id
        where i.region_id = ${opts.regionId} and s.ends_on < ${opts.day}::date
          ${opts.accountId === undefined ? sql`` : sql`and s.account_id = ${opts.accountId}`}`,
  );
  return { ...suspensions, releasedAddresses: released.length };
}
