import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { RegionScope } from '../../policy/region-scope.js';
import type { BulkAction, BulkFilter } from './bulk.schemas.js';
import { classify, type Outcome } from './bulk-actions.js';
import { selectAccounts } from './select-accounts.js';

/** Accounts classified per round trip (keyset pages of the selection, in id order). */
export const PLAN_CHUNK = 5000;

export interface PlanTotals {
  accounts: number;
  apply: number;
  amount: number;
  reasons: Map<string, number>;
}

/**
 * Walks the selection in id order, a chunk at a time, and classifies each chunk by the action's rules
 * (bulk-actions.ts `classify`), handing every chunk's outcomes to `onChunk`. The preview sums them; the
 * operation's creation writes them as its items — so the count and money confirmed are the ones run.
 */
export async function planBulk(
  db: Db,
  opts: { filter: BulkFilter; action: BulkAction; scope: RegionScope },
  onChunk?: (outcomes: Outcome[]) => Promise<void>,
): Promise<PlanTotals> {
  const totals: PlanTotals = { accounts: 0, apply: 0, amount: 0, reasons: new Map() };
  const selection = selectAccounts(opts.filter, opts.scope);
  let after = 0;
  for (;;) {
    const ids = (
      await queryRows<{ account_id: number }>(
        db,
        sql`select account_id from (${selection}) s where account_id > ${after} order by account_id limit ${PLAN_CHUNK}`,
      )
    ).map((r) => Number(r.account_id));
    if (ids.length === 0) break;
    after = ids[ids.length - 1]!;
    const outcomes = await classify(db, opts.action, ids);
    for (const o of outcomes) {
      totals.accounts += 1;
      if (o.reason === null) {
        totals.apply += 1;
        totals.amount += o.amount;
      } else totals.reasons.set(o.reason, (totals.reasons.get(o.reason) ?? 0) + 1);
    }
    await onChunk?.(outcomes);
    if (ids.length < PLAN_CHUNK) break;
  }
  return totals;
}
