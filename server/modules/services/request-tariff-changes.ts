import { sql } from 'drizzle-orm';

import { addDays, todayIn } from '../../../common/dates.js';
import { AppError, type ErrorCode } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus, RegionSettings } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { type AccountContext, type Actor, actorAudit } from '../accounts/load-account.js';
import { recordAudits } from '../audit/record-audits.js';
import { ACCOUNT_LOCK } from '../ledger/lock-account.js';
import { checkTariffChange, type CurrentTariff, findTariff, type TariffRow } from './tariff-change-rules.js';

export interface TariffChangeOutcome {
  accountId: number;
  /** The refusal (checkTariffChange's error code), or null when the change is (or would be) made. */
  reason: ErrorCode | null;
  /** The day it takes effect (tomorrow in the account's region). */
  from: string;
  /** New plan's fee minus the fee paid now for the current plan (kopecks a month). */
  monthlyDelta: number;
  /** The current plan's subscription, if any. */
  current: CurrentTariff | null;
}

interface Row {
  id: number;
  number: string;
  contract_id: number;
  region_id: number;
  status: AccountStatus;
  balance: number;
  credit_limit: number;
  promised_credit: number;
  time_zone: string;
  settings: RegionSettings;
  signed_on: string;
  current: CurrentTariff | null;
}

/**
 * The tariff-change rule (checkTariffChange) for many accounts at once, without changing anything: what
 * requestTariffChanges would do for each. One query loads the accounts with their open plan (locked in id
 * order first with `lock`); the rule itself is the one a single change uses. Accounts that do not exist are left out.
 */
export async function classifyTariffChanges(
  db: Db,
  opts: { accountIds: readonly number[]; tariffId: number; staff: boolean; now?: Date; lock?: boolean },
): Promise<{ target: TariffRow; outcomes: TariffChangeOutcome[] }> {
  const target = await findTariff(db, opts.tariffId);
  if (opts.accountIds.length === 0) return { target, outcomes: [] };
  const ids = `{${opts.accountIds.map((i) => Math.trunc(i)).join(',')}}`;
  // Lock first, then read: a statement's subqueries would read the snapshot from before a lock wait.
  if (opts.lock)
    await db.execute(sql`select id from accounts where id = any(${ids}::int8[]) order by id ${ACCOUNT_LOCK}`);
  const rows = await queryRows<Row>(
    db,
    sql`select a.id, a.number, a.contract_id, a.region_id, a.status, a.balance, a.credit_limit, a.promised_credit,
               r.time_zone, r.settings, c.signed_on,
               (select row_to_json(x) from (
                  select t.*, s.id as subscription_id, s.monthly_fee as agreed_fee, s.pending_tariff_id, s.pending_from
                  from subscriptions s join tariffs t on t.id = s.tariff_id
                  where s.account_id = a.id and s.kind = 'tariff' and s.ends_on is null
                  order by s.starts_on desc, s.id desc limit 1) x) as current
        from accounts a join regions r on r.id = a.region_id join contracts c on c.id = a.contract_id
        where a.id = any(${ids}::int8[])
        order by a.id`,
  );
  const outcomes = rows.map((r): TariffChangeOutcome => {
    const ctx: AccountContext = {
      id: r.id,
      number: r.number,
      contractId: r.contract_id,
      regionId: r.region_id,
      status: r.status,
      balance: r.balance,
      creditLimit: r.credit_limit,
      promisedCredit: r.promised_credit,
      timeZone: r.time_zone,
      settings: r.settings ?? {},
      signedOn: r.signed_on,
      today: todayIn(r.time_zone, opts.now),
    };
    const from = addDays(ctx.today, 1);
    const current = r.current ? { ...r.current, monthly_fee: Number(r.current.monthly_fee) } : null;
    let reason: ErrorCode | null = null;
    try {
      checkTariffChange(ctx, current, target, { staff: opts.staff, from });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      reason = e.code;
    }
    const monthlyDelta = target.monthly_fee - (current ? Number(current.agreed_fee) : 0);
    return { accountId: r.id, reason, from, monthlyDelta, current };
  });
  return { target, outcomes };
}

/**
 * Asks for a tariff change from tomorrow for many accounts (the services module's tariff change, made
 * for bulk operations; requestTariffChange is this for one account). In the caller's transaction: the
 * accounts are locked in id order, each is checked by the same rule, and for those that pass the open
 * plan gets the pending change (or, with no plan at all, the plan starts tomorrow) — one statement for
 * all of them, and one audit row per account. Refused accounts are returned with their reason and
 * nothing changes for them.
 */
export async function requestTariffChanges(
  db: Db,
  opts: { accountIds: readonly number[]; tariffId: number; actor: Actor; now?: Date; comment?: string },
): Promise<TariffChangeOutcome[]> {
  return inTransaction(db, async (tx) => {
    const { target, outcomes } = await classifyTariffChanges(tx, {
      accountIds: opts.accountIds,
      tariffId: opts.tariffId,
      staff: opts.actor.type === 'staff',
      now: opts.now,
      lock: true,
    });
    const ok = outcomes.filter((o) => o.reason === null);
    if (ok.length === 0) return outcomes;
    const changes = JSON.stringify(
      ok.map((o) => ({
        account_id: o.accountId,
        subscription_id: o.current?.subscription_id ?? null,
        from_day: o.from,
      })),
    );
    await tx.execute(
      sql`with v as (
            select * from jsonb_to_recordset(${changes}::jsonb) as v(account_id int8, subscription_id int8, from_day date)),
          pending as (
            update subscriptions s set pending_tariff_id = ${target.id}, pending_from = v.from_day
            from v where v.subscription_id is not null and s.id = v.subscription_id
            returning s.id)
          insert into subscriptions (account_id, kind, tariff_id, monthly_fee, starts_on)
          select v.account_id, 'tariff', ${target.id}, ${target.monthly_fee}, v.from_day from v where v.subscription_id is null`,
    );
    await recordAudits(tx, {
      ...actorAudit(opts.actor),
      action: 'tariff.change_requested',
      entity: 'account',
      rows: ok.map((o) => ({
        entityId: o.accountId,
        before: o.current ? { tariffId: o.current.id, pendingTariffId: o.current.pending_tariff_id } : null,
        after: { tariffId: target.id, from: o.from, ...(opts.comment ? { comment: opts.comment } : {}) },
      })),
    });
    return outcomes;
  });
}
