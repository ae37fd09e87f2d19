import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

/** How far back first responses count for the median. */
export const HISTORY_DAYS = 14;
/** Fewer first responses than this in the category: use the whole region's; fewer there: no history. */
export const MIN_SAMPLES = 3;
/** Staff who answered in the region within this many minutes count as working the queue now. */
export const ACTIVE_MINUTES = 60;

export interface WaitEstimate {
  /** Tickets of the same region and category waiting for their first answer ahead of this one. */
  ahead: number;
  /** Recent median minutes from a ticket's creation to its first answer; null without history. */
  medianMinutes: number | null;
  /** Where the median comes from. */
  basis: 'category' | 'region' | 'none';
  /** Staff answering in the region in the last hour (at least 1). */
  staffActive: number;
  /** The expected wait for the first answer in minutes, or null without history (then: the SLA). */
  minutes: number | null;
  /** The category's SLA target for the first answer, minutes. */
  slaMinutes: number;
}

/**
 * The expected wait for a first answer, from the live queue (docs/support.md, "Expected wait"):
 * each group of `staffActive` tickets ahead takes about the recent median time to a first answer,
 * so `minutes = median × ceil((ahead + 1) / staffActive)`. An empty queue gives the median itself;
 * no recent history gives null and the page shows the category's SLA target instead.
 * For an open ticket, `ticket` limits "ahead" to tickets created before it.
 */
export async function estimateWait(
  db: Db,
  opts: {
    regionId: number;
    categoryId: number;
    slaMinutes: number;
    ticket?: { id: number; createdAt: Date };
    now?: Date;
  },
): Promise<WaitEstimate> {
  const now = (opts.now ?? new Date()).toISOString();
  const before = opts.ticket
    ? sql`and (t.created_at, t.id) < (${opts.ticket.createdAt.toISOString()}::timestamptz, ${opts.ticket.id})`
    : sql``;
  const [row] = await queryRows<{
    ahead: number;
    cat_median: number | null;
    cat_n: number;
    reg_median: number | null;
    reg_n: number;
    staff: number;
  }>(
    db,
    sql`with recent as (
          select t.category_id, extract(epoch from t.first_response_at - t.created_at) / 60 as minutes
          from support_tickets t
          where t.region_id = ${opts.regionId}
            and t.first_response_at > ${now}::timestamptz - make_interval(days => ${HISTORY_DAYS})
            and t.first_response_at <= ${now}::timestamptz
        )
        select
          (select count(*)::int from support_tickets t
            where t.region_id = ${opts.regionId} and t.category_id = ${opts.categoryId}
              and t.first_response_at is null and t.status <> 'closed' ${before}) as ahead,
          (select percentile_cont(0.5) within group (order by minutes) from recent
            where category_id = ${opts.categoryId}) as cat_median,
          (select count(*)::int from recent where category_id = ${opts.categoryId}) as cat_n,
          (select percentile_cont(0.5) within group (order by minutes) from recent) as reg_median,
          (select count(*)::int from recent) as reg_n,
          (select count(distinct m.staff_id)::int from support_messages m
            join support_tickets t on t.id = m.ticket_id
            where t.region_id = ${opts.regionId} and m.author_type = 'staff' and not m.internal
              and m.created_at > ${now}::timestamptz - make_interval(mins => ${ACTIVE_MINUTES})
              and m.created_at <= ${now}::timestamptz) as staff`,
  );
  const r = row!;
  let median: number | null = null;
  let basis: WaitEstimate['basis'] = 'none';
  if (r.cat_n >= MIN_SAMPLES && r.cat_median !== null) {
    median = Number(r.cat_median);
    basis = 'category';
  } else if (r.reg_n >= MIN_SAMPLES && r.reg_median !== null) {
    median = Number(r.reg_median);
    basis = 'region';
  }
  const staffActive = Math.max(1, r.staff);
  const minutes = median === null ? null : Math.max(1, Math.ceil(median * Math.ceil((r.ahead + 1) / staffActive)));
  return {
    ahead: r.ahead,
    medianMinutes: median === null ? null : Math.round(median * 10) / 10,
    basis,
    staffActive,
    minutes,
    slaMinutes: opts.slaMinutes,
  };
}
