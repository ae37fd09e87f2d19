import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { movements } from './ledger-movements.js';
import { checkPeriod, type Period, planPeriod } from './report-period.js';
import { regionCondition, type ReportScope } from './report-scope.js';

export interface ChannelRow {
  /** The payment's provider: yookassa, agent:<code>, office_cash, bank_transfer, cli, … */
  channel: string;
  regionId: number;
  region: string;
  count: number;
  /** Kopecks credited by the ledger. */
  amount: number;
}

/**
 * Payments credited by the ledger in a period, by channel and region. Counted from the ledger's
 * payment entries (the money), not from payment attempts, so it reconciles with the turnover sheet.
 */
export async function paymentsByChannel(db: Db, q: Period & { scope: ReportScope }) {
  checkPeriod(q);
  const plan = await planPeriod(db, q);
  const rows = await queryRows<{ channel: string; region_id: number; region: string; count: number; amount: number }>(
    db,
    sql`select m.channel, a.region_id, r.name_ru as region, sum(m.entries)::int8 as count, sum(m.amount)::int8 as amount
        from ${movements(plan)} m
        join accounts a on a.id = m.account_id
        join regions r on r.id = a.region_id
        where m.kind = 'payment' and ${regionCondition(q.scope, sql`a.region_id`)}
        group by 1, 2, 3 order by 1, 3`,
  );
  const lines: ChannelRow[] = rows.map((r) => ({
    channel: r.channel,
    regionId: r.region_id,
    region: r.region,
    count: r.count,
    amount: r.amount,
  }));
  return {
    from: q.from,
    to: q.to,
    lines,
    total: { count: lines.reduce((s, l) => s + l.count, 0), amount: lines.reduce((s, l) => s + l.amount, 0) },
  };
}
