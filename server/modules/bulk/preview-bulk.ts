import { sql } from 'drizzle-orm';

import { type ErrorCode, errorMessage, type Lang } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus } from '../../db/schema/index.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { countNotifyTargets } from '../notifications/notify-many.js';
import type { BulkAction, BulkFilter } from './bulk.schemas.js';
import type { Outcome } from './bulk-actions.js';
import { checkAction } from './check-action.js';
import { idArray } from './id-array.js';
import { planBulk } from './plan-bulk.js';
import { selectAccounts } from './select-accounts.js';

const SAMPLE = 20;

/** Reason counts with their text in the reader's language, most frequent first. */
export function reasonList(reasons: Map<string, number> | { reason: string; count: number }[], lang: Lang) {
  const list = reasons instanceof Map ? [...reasons].map(([reason, count]) => ({ reason, count })) : reasons;
  return list
    .map((r) => ({ ...r, text: errorMessage(r.reason as ErrorCode, {}, lang) }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/**
 * What an operation would do, changing nothing (docs/bulk.md "Preview"): how many subscribers the filter
 * selects in the staff member's regions, how many the action would change and why not the others, the
 * money (planBulk — the same walk and rules the operation's creation fixes and its run applies), the
 * messages per channel for a message, and the first subscribers as a sample.
 */
export async function previewBulk(
  db: Db,
  opts: { filter: BulkFilter; action: BulkAction; scope: RegionScope; role: string; lang: Lang },
) {
  await checkAction(db, opts);
  let sample: Outcome[] = [];
  const totals = await planBulk(db, opts, async (outcomes) => {
    if (sample.length < SAMPLE) sample = [...sample, ...outcomes.slice(0, SAMPLE - sample.length)];
  });
  const channels =
    opts.action.kind === 'message'
      ? await countNotifyTargets(db, {
          accounts: sql`select s.account_id from (${selectAccounts(opts.filter, opts.scope)}) s
                        join accounts a on a.id = s.account_id where a.status <> 'terminated'`,
          channels: opts.action.channels,
        })
      : null;
  const info = sample.length
    ? await queryRows<{
        id: number;
        number: string;
        full_name: string;
        address: string;
        status: AccountStatus;
        balance: number;
      }>(
        db,
        sql`select a.id, a.number, s.full_name, s.address, a.status, a.balance
            from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
            where a.id = any(${idArray(sample.map((o) => o.accountId))}::int8[])`,
      )
    : [];
  const byId = new Map(info.map((r) => [Number(r.id), r]));
  return {
    accounts: totals.accounts,
    apply: totals.apply,
    notApplied: reasonList(totals.reasons, opts.lang),
    amount: totals.amount,
    channels,
    sample: sample.map((o) => {
      const r = byId.get(o.accountId)!;
      return {
        accountId: o.accountId,
        number: r.number,
        fullName: r.full_name,
        address: r.address,
        status: r.status,
        balance: Number(r.balance),
        apply: o.reason === null,
        reason: o.reason ? errorMessage(o.reason, {}, opts.lang) : null,
        amount: o.amount,
      };
    }),
  };
}
