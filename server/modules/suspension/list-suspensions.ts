import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { planFreeDays, suspensionCost } from '../../../common/suspension-rules.js';
import { type Db, queryRows } from '../../db/client.js';
import type { SuspensionStatus } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { loadAccount } from '../accounts/load-account.js';
import { lastDayOf, listAccountSuspensions, periodsOf, rulesOf } from './suspension-history.js';

/**
 * An account's suspensions with their free and paid days (fixed once started, projected before), the
 * region's rules, and the free days a suspension starting tomorrow would get.
 */
export async function listSuspensions(db: Db, accountId: number, now?: Date) {
  const a = await loadAccount(db, accountId, { now });
  const rules = rulesOf(a.settings);
  const rows = await listAccountSuspensions(db, a.id);
  const plan = planFreeDays(periodsOf(rows), rules);
  const tomorrow = addDays(a.today, 1);
  const probe = planFreeDays(
    [...periodsOf(rows), { startsOn: tomorrow, lastDay: addDays(tomorrow, rules.freeDays - 1), freeDays: null }],
    rules,
  ).find((p) => p.period.freeDays === null && p.period.startsOn === tomorrow);
  return {
    today: a.today,
    accountStatus: a.status,
    rules: {
      minDays: rules.minDays,
      maxDays: rules.maxDays,
      freeDays: rules.freeDays,
      windowDays: rules.windowDays,
      dailyFee: rules.dailyFee,
      autoApprove: rules.autoApprove,
    },
    freeDaysLeft: probe?.freeDays ?? 0,
    suspensions: rows.map((r) => {
      const free = r.free_days ?? plan.find((p) => p.period.startsOn === r.starts_on)?.freeDays ?? 0;
      const cost = suspensionCost({
        startsOn: r.starts_on,
        endsOn: lastDayOf(r),
        freeDays: free,
        dailyFee: r.daily_fee ?? rules.dailyFee,
      });
      return {
        id: r.id,
        status: r.status,
        startsOn: r.starts_on,
        endsOn: r.ends_on,
        endedOn: r.ended_on,
        comment: r.comment,
        refuseReason: r.refuse_reason,
        freeDays: cost.freeDays,
        paidDays: cost.paidDays,
        paidFrom: cost.paidFrom,
        dailyFee: r.daily_fee ?? rules.dailyFee,
        cost: cost.cost,
        createdAt: r.created_at,
        canCancel: r.status === 'pending' || r.status === 'approved',
        canEnd: r.status === 'active',
      };
    }),
  };
}

/**
 * The staff queue: applications in a state (pending by default) of the caller's regions, the soonest
 * first day first.
 */
export async function suspensionQueue(db: Db, opts: { status: SuspensionStatus; limit: number; regions: RegionScope }) {
  const rows = await queryRows<{
    id: number;
    account_id: number;
    account: string;
    subscriber: string;
    region: string;
    starts_on: string;
    ends_on: string;
    ended_on: string | null;
    status: SuspensionStatus;
    comment: string | null;
    created_at: string;
    created_by: string;
  }>(
    db,
    sql`select s.id, s.account_id, a.number as account, sb.full_name as subscriber, r.name_ru as region,
               s.starts_on, s.ends_on, s.ended_on, s.status, s.comment, s.created_at::text, s.created_by
        from suspensions s join accounts a on a.id = s.account_id join contracts c on c.id = a.contract_id
          join subscribers sb on sb.id = c.subscriber_id join regions r on r.id = a.region_id
        where s.status = ${opts.status} and ${inRegions(opts.regions, sql`a.region_id`)}
        order by s.starts_on, s.id limit ${opts.limit}`,
  );
  // Free days as the subscriber was shown them: per account, counting its other applications.
  const byAccount = new Map<number, Awaited<ReturnType<typeof listSuspensions>>>();
  for (const r of rows)
    if (!byAccount.has(r.account_id)) byAccount.set(r.account_id, await listSuspensions(db, r.account_id));
  return rows.map((r) => {
    const mine = byAccount.get(r.account_id)!.suspensions.find((x) => x.id === r.id)!;
    return {
      id: r.id,
      accountId: r.account_id,
      account: r.account,
      subscriber: r.subscriber,
      region: r.region,
      status: r.status,
      startsOn: r.starts_on,
      endsOn: r.ends_on,
      endedOn: r.ended_on,
      days: mine.freeDays + mine.paidDays,
      freeDays: mine.freeDays,
      paidDays: mine.paidDays,
      cost: mine.cost,
      comment: r.comment,
      createdAt: r.created_at,
      byStaff: r.created_by.startsWith('staff:'),
    };
  });
}
