import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

/** How much waits in the service queues, for the staff home page. */
export async function countServiceQueues(db: Db) {
  const [r] = await queryRows<{ suspensions: number; mobile: number; visits: number; visits_today: number }>(
    db,
    sql`select
          (select count(*)::int8 from suspensions where status = 'pending') as suspensions,
          (select count(*)::int8 from mobile_requests where status in ('new', 'in_progress')) as mobile,
          (select count(*)::int8 from termination_visits where status = 'booked') as visits,
          (select count(*)::int8 from termination_visits v join accounts a on a.id = v.account_id join regions r on r.id = a.region_id
            where v.status = 'booked' and v.visit_on <= (now() at time zone r.time_zone)::date) as visits_today`,
  );
  return {
    suspensions: r?.suspensions ?? 0,
    mobileRequests: r?.mobile ?? 0,
    terminationVisits: r?.visits ?? 0,
    terminationVisitsDue: r?.visits_today ?? 0,
  };
}
