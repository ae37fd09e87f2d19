import { type SQL, sql } from 'drizzle-orm';

import { daysBetween, isValidDay } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';

export const REPORT_MAX_DAYS = 366;

export interface ReportRow {
  day: string;
  regionId: number;
  regionRu: string;
  regionEn: string;
  categoryId: number;
  categoryRu: string;
  categoryEn: string;
  created: number;
  answered: number;
  medianFirstResponseMinutes: number | null;
  firstResponseBreaches: number;
  resolutionBreaches: number;
}

/**
 * Admin report over tickets created in [from, to] (days in each region's time zone): per day, region
 * and category the tickets written, those answered, the median minutes to the first answer, and SLA
 * breaches (first answer late or still owed past its due time; resolution likewise); plus the same
 * per category and in total over the period, and claims past their deadline without an answer.
 */
export async function supportReport(db: Db, opts: { from: string; to: string; regionId?: number }) {
  if (!isValidDay(opts.from)) throw new AppError('bad_date', { value: opts.from });
  if (!isValidDay(opts.to)) throw new AppError('bad_date', { value: opts.to });
  const span = daysBetween(opts.from, opts.to);
  if (span < 0 || span >= REPORT_MAX_DAYS) throw new AppError('bad_period', { max: REPORT_MAX_DAYS });
  const region = opts.regionId ? sql`and t.region_id = ${opts.regionId}` : sql``;
  const base = sql`
    with x as (
      select t.*, r.time_zone as tz, (t.created_at at time zone r.time_zone)::date as day, r.name_ru as region_ru,
             r.name_en as region_en, k.name_ru as category_ru, k.name_en as category_en,
             extract(epoch from t.first_response_at - t.created_at) / 60 as first_minutes,
             coalesce(t.first_response_at, now()) > t.first_response_due_at as first_breach,
             coalesce(t.resolved_at, now()) > t.resolution_due_at as resolution_breach
      from support_tickets t
      join regions r on r.id = t.region_id
      join support_categories k on k.id = t.category_id
      where (t.created_at at time zone r.time_zone)::date between ${opts.from}::date and ${opts.to}::date ${region}
    )`;
  const measures = sql`count(*)::int as created, count(first_response_at)::int as answered,
      percentile_cont(0.5) within group (order by first_minutes) as median,
      count(*) filter (where first_breach)::int as first_breaches,
      count(*) filter (where resolution_breach)::int as resolution_breaches`;
  const grouped = (cols: SQL, group: SQL, order: SQL) =>
    queryRows<Record<string, unknown>>(
      db,
      sql`${base} select ${cols}, ${measures} from x group by ${group} order by ${order}`,
    );
  const rows = await grouped(
    sql`day::text as day, region_id, region_ru, region_en, category_id, category_ru, category_en`,
    sql`day, region_id, region_ru, region_en, category_id, category_ru, category_en`,
    sql`day, region_id, category_id`,
  );
  const byCategory = await grouped(
    sql`category_id, category_ru, category_en`,
    sql`category_id, category_ru, category_en`,
    sql`category_id`,
  );
  const [total] = await queryRows<Record<string, unknown>>(db, sql`${base} select ${measures} from x`);
  const [claims] = await queryRows<{ overdue: number }>(
    db,
    sql`${base} select count(*) filter (where claim_number is not null and claim_answered_at is null
                  and claim_due_on < (now() at time zone tz)::date)::int as overdue from x`,
  );
  const m = (r: Record<string, unknown>) => ({
    created: Number(r.created),
    answered: Number(r.answered),
    medianFirstResponseMinutes: r.median === null ? null : Math.round(Number(r.median) * 10) / 10,
    firstResponseBreaches: Number(r.first_breaches),
    resolutionBreaches: Number(r.resolution_breaches),
  });
  return {
    from: opts.from,
    to: opts.to,
    rows: rows.map((r): ReportRow => ({
      day: String(r.day),
      regionId: Number(r.region_id),
      regionRu: String(r.region_ru),
      regionEn: String(r.region_en),
      categoryId: Number(r.category_id),
      categoryRu: String(r.category_ru),
      categoryEn: String(r.category_en),
      ...m(r),
    })),
    byCategory: byCategory.map((r) => ({
      categoryId: Number(r.category_id),
      categoryRu: String(r.category_ru),
      categoryEn: String(r.category_en),
      ...m(r),
    })),
    total: { ...m(total!), claimsOverdue: claims?.overdue ?? 0 },
  };
}
