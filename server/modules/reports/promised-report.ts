import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { regionCondition, type ReportScope } from './report-scope.js';

export interface PromisedLine {
  id: number;
  accountId: number;
  account: string;
  subscriber: string;
  regionId: number;
  /** Granted, kopecks. */
  amount: number;
  /** Still outstanding on the account (the part not repaid by payments yet). */
  outstanding: number;
  takenOn: string;
  dueOn: string;
  overdue: boolean;
}

/** Promised payments not repaid or expired yet: what the ISP has lent its subscribers now. */
export async function promisedReport(db: Db, q: { scope: ReportScope }) {
  const rows = await queryRows<{
    id: number;
    account_id: number;
    account: string;
    subscriber: string;
    region_id: number;
    amount: number;
    outstanding: number;
    taken_on: string;
    due_on: string;
    overdue: boolean;
  }>(
    db,
    sql`select p.id, p.account_id, a.number as account, s.full_name as subscriber, a.region_id, p.amount,
               a.promised_credit as outstanding, p.taken_on::text as taken_on, p.due_on::text as due_on,
               p.due_on < (now() at time zone r.time_zone)::date as overdue
        from promised_payments p
        join accounts a on a.id = p.account_id
        join regions r on r.id = a.region_id
        join contracts c on c.id = a.contract_id
        join subscribers s on s.id = c.subscriber_id
        where p.status = 'active' and ${regionCondition(q.scope, sql`a.region_id`)}
        order by p.due_on, a.number`,
  );
  const lines: PromisedLine[] = rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    account: r.account,
    subscriber: r.subscriber,
    regionId: r.region_id,
    amount: r.amount,
    outstanding: r.outstanding,
    takenOn: r.taken_on,
    dueOn: r.due_on,
    overdue: r.overdue,
  }));
  return {
    lines,
    total: {
      count: lines.length,
      amount: lines.reduce((s, l) => s + l.amount, 0),
      outstanding: lines.reduce((s, l) => s + l.outstanding, 0),
    },
  };
}
