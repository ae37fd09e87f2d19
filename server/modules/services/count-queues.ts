import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';

/** How much waits in the service queues of the caller's regions, for the staff home page. */
export async function countServiceQueues(db: Db, regions: RegionScope) {
  const mine = inRegions(regions, sql`a.region_id`);
  const [r] = await queryRows<{ suspensions: number; mobile: number; visits: number; visits_today: number }>(
    db,
    sql`select
          (select count(*)::int8 from suspensions s join accounts a on a.id = s.account_id
            where s.status = 'pending' and ${mine}) as suspensions,
          (select count(*)::int8 from mobile_requests m join accounts a on a.id = m.account_id
            where m.status in ('new', 'in_progress') and ${mine}) as mobile,
          (select count(*)::int8 from termination_visits v join accounts a on a.id = v.account_id
            where v.status = 'booked' and ${mine}) as visits,
          (select count(*)::int8 from termination_visits v join accounts a on a.id = v.account_id join regions r on r.id = a.region_id
            where v.status = 'booked' and v.visit_on <= (now() at time zone r.time_zone)::date and ${mine}) as visits_today`,
  );
  return {
    suspensions: r?.suspensions ?? 0,
    mobileRequests: r?.mobile ?? 0,
    terminationVisits: r?.visits ?? 0,
    terminationVisitsDue: r?.visits_today ?? 0,
  };
}
