import { sql } from 'drizzle-orm';

import {
  planFreeDays,
  type SuspensionPeriod,
  type SuspensionRules,
  suspensionRules,
} from '../../../common/suspension-rules.js';
import { type Db, queryRows } from '../../db/client.js';
import type { RegionSettings, SuspensionStatus } from '../../db/schema/index.js';

export interface SuspensionRow {
  id: number;
  account_id: number;
  starts_on: string;
  ends_on: string;
  ended_on: string | null;
  status: SuspensionStatus;
  free_days: number | null;
  daily_fee: number | null;
  comment: string | null;
  refuse_reason: string | null;
  created_by: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  created_at: string;
}

/** States in which a suspension holds its dates (an application over them is an overlap). */
export const OPEN_STATES: SuspensionStatus[] = ['pending', 'approved', 'active'];
/** States whose days count (or will count) against the free allowance. */
const COUNTING: SuspensionStatus[] = ['pending', 'approved', 'active', 'finished'];

export async function listAccountSuspensions(db: Db, accountId: number): Promise<SuspensionRow[]> {
  return queryRows<SuspensionRow>(
    db,
    sql`select id, account_id, starts_on, ends_on, ended_on, status, free_days, daily_fee, comment, refuse_reason,
               created_by, reviewed_by, reviewed_at::text, created_at::text
        from suspensions where account_id = ${accountId} order by starts_on desc, id desc`,
  );
}

export const lastDayOf = (s: Pick<SuspensionRow, 'ends_on' | 'ended_on'>) => s.ended_on ?? s.ends_on;

/** The periods the free-day rule counts: started ones with their fixed free days, the rest projected. */
export function periodsOf(rows: SuspensionRow[], exceptId?: number): SuspensionPeriod[] {
  return rows
    .filter((r) => COUNTING.includes(r.status) && r.id !== exceptId)
    .map((r) => ({ startsOn: r.starts_on, lastDay: lastDayOf(r), freeDays: r.free_days }));
}

/** Free days a suspension starting on `startsOn` would get, counting the account's other suspensions. */
export function projectedFreeDays(
  rows: SuspensionRow[],
  startsOn: string,
  endsOn: string,
  rules: SuspensionRules,
  exceptId?: number,
) {
  const plan = planFreeDays([...periodsOf(rows, exceptId), { startsOn, lastDay: endsOn, freeDays: null }], rules);
  const mine = plan.find(
    (p) => p.period.freeDays === null && p.period.startsOn === startsOn && p.period.lastDay === endsOn,
  );
  return mine?.freeDays ?? 0;
}

export function rulesOf(settings: RegionSettings): SuspensionRules {
  return suspensionRules(settings.suspension);
}
