import { type SQL, sql } from 'drizzle-orm';

import { addDays, addMonths, daysBetween, isValidDay } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';

/** The longest period a report covers (three years and a day: leap years). */
export const MAX_REPORT_DAYS = 1097;

export interface Period {
  from: string;
  /** Inclusive. */
  to: string;
}

export function checkPeriod(p: Period, max = MAX_REPORT_DAYS): void {
  if (!isValidDay(p.from)) throw new AppError('bad_date', { value: p.from });
  if (!isValidDay(p.to)) throw new AppError('bad_date', { value: p.to });
  if (p.from > p.to || daysBetween(p.from, p.to) >= max) throw new AppError('bad_period', { max });
}

export const monthStart = (day: string) => `${day.slice(0, 7)}-01`;

/** A half-open range of days [from, until) read from the ledger itself. */
export interface RawRange {
  from: string;
  until: string;
}

/**
 * How a period is read (docs/reports.md, "How reports stay fast"): the whole months inside it whose
 * rollup is trusted come from the rollup tables; every other day (the months at the edges, the current
 * month, a month whose rollup is stale) from ledger_entries, in as few ranges as possible.
 */
export interface PeriodPlan {
  rollupMonths: string[];
  raw: RawRange[];
}

export async function planPeriod(db: Db, p: Period): Promise<PeriodPlan> {
  const end = addDays(p.to, 1);
  const whole: string[] = [];
  for (
    let m = monthStart(p.from) < p.from ? addMonths(monthStart(p.from), 1) : p.from;
    addMonths(m, 1) <= end;
    m = addMonths(m, 1)
  )
    whole.push(m);
  const trusted = new Set(whole.length ? await trustedRollupMonths(db, whole[0]!, addMonths(whole.at(-1)!, 1)) : []);
  const raw: RawRange[] = [];
  let cursor = p.from;
  const flush = (until: string) => {
    if (cursor < until) {
      const last = raw.at(-1);
      if (last && last.until === cursor) last.until = until;
      else raw.push({ from: cursor, until });
    }
  };
  for (const m of whole) {
    if (!trusted.has(m)) continue;
    flush(m);
    cursor = addMonths(m, 1);
  }
  flush(end);
  return { rollupMonths: whole.filter((m) => trusted.has(m)), raw };
}

/**
 * Months in [from, until) whose rollup was made against the ledger checkpoint at the next month's
 * start and that checkpoint is still ready and not stale (an entry dated in the month since would have
 * marked it stale).
 */
export async function trustedRollupMonths(db: Db, from: string, until: string): Promise<string[]> {
  const rows = await queryRows<{ month: string }>(
    db,
    sql`select m.month::text as month from report_months m
        join ledger_checkpoints c on c.as_of = (m.month + interval '1 month')::date
        where m.month >= ${from}::date and m.month < ${until}::date
          and c.state = 'ready' and not c.stale and c.created_at = m.checkpoint_made_at
        order by 1`,
  );
  return rows.map((r) => r.month);
}

/** `col in [from, until)` for each raw range, joined with or (false when there are none). */
export function inRawRanges(col: SQL, raw: RawRange[]): SQL {
  if (raw.length === 0) return sql`false`;
  return sql`(${sql.join(
    raw.map((r) => sql`(${col} >= ${r.from}::date and ${col} < ${r.until}::date)`),
    sql` or `,
  )})`;
}

export function inMonths(col: SQL, months: string[]): SQL {
  if (months.length === 0) return sql`false`;
  return sql`${col} = any(${`{${months.join(',')}}`}::date[])`;
}
