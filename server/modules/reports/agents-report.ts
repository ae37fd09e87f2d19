import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { paymentsByChannel } from './payments-report.js';
import type { Period } from './report-period.js';
import type { ReportScope } from './report-scope.js';

export interface AgentLine {
  code: string;
  name: string;
  count: number;
  amount: number;
  /** The agent's fee in basis points (150 = 1.5 %). */
  commissionBp: number;
  /** round half up (amount × bp / 10 000) on the period's total, as an agent's monthly act computes it. */
  commission: number;
  /** What the agent owes us: amount − commission. */
  due: number;
}

/** Agents' totals for a period (from the ledger's payment entries) and their commissions. */
export async function agentsReport(db: Db, q: Period & { scope: ReportScope }) {
  const channels = await paymentsByChannel(db, q);
  const agents = await queryRows<{ code: string; name: string; commission_bp: number }>(
    db,
    sql`select code, name, commission_bp from agents order by code`,
  );
  const lines: AgentLine[] = agents.map((a) => {
    const mine = channels.lines.filter((l) => l.channel === `agent:${a.code}`);
    const amount = mine.reduce((s, l) => s + l.amount, 0);
    const commission = commissionOf(amount, a.commission_bp);
    return {
      code: a.code,
      name: a.name,
      count: mine.reduce((s, l) => s + l.count, 0),
      amount,
      commissionBp: a.commission_bp,
      commission,
      due: amount - commission,
    };
  });
  const sum = (k: 'count' | 'amount' | 'commission' | 'due') => lines.reduce((s, l) => s + l[k], 0);
  return {
    from: q.from,
    to: q.to,
    lines,
    total: { count: sum('count'), amount: sum('amount'), commission: sum('commission'), due: sum('due') },
  };
}

/** Half up to the kopeck, in integers (no floating point on money). */
export function commissionOf(amount: number, bp: number): number {
  const x = BigInt(amount) * BigInt(bp);
  const q = x / 10_000n;
  const r = x % 10_000n;
  return Number(r * 2n >= 10_000n ? q + 1n : q);
}
