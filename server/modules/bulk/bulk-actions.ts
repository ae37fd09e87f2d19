import { sql } from 'drizzle-orm';

import type { ErrorCode } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus, BulkItemState } from '../../db/schema/index.js';
import { recordAudits } from '../audit/record-audits.js';
import { compensationAmounts, postBulkCredits } from '../ledger/compensation.js';
import { ACCOUNT_LOCK } from '../ledger/lock-account.js';
import { setServiceStatuses } from '../ledger/set-service-statuses.js';
import { notifyMany } from '../notifications/notify-many.js';
import { classifyTariffChanges, requestTariffChanges } from '../services/request-tariff-changes.js';
import type { BulkAction } from './bulk.schemas.js';
import { idArray } from './id-array.js';

/** What the action would do for one account now: nothing to refuse (reason null) or why not, and the money. */
export interface Outcome {
  accountId: number;
  reason: ErrorCode | null;
  amount: number;
}

/** What the run did for one account. `moved`: kopecks the ledger credited now. */
export interface ItemResult {
  accountId: number;
  state: Exclude<BulkItemState, 'pending'>;
  reason: ErrorCode | null;
  moved: number;
}

/** Reasons that mean "nothing to do" (skipped) rather than "refused" (failed). */
const SKIP: ReadonlySet<string> = new Set([
  'tariff_same',
  'bulk_already_suspended',
  'bulk_not_suspended',
  'bulk_no_fee',
]);

const resultOf = (accountId: number, reason: ErrorCode | null, moved = 0): ItemResult => ({
  accountId,
  state: reason === null ? 'done' : SKIP.has(reason) ? 'skipped' : 'failed',
  reason,
  moved,
});

interface StateRow {
  account_id: number;
  status: AccountStatus;
  monthly: number;
  amount: number;
  voluntary: boolean;
}

/** Each account's status, monthly fees, N days of fee (compensationAmounts) and whether a voluntary suspension is on. */
function accountStates(db: Db, ids: readonly number[], days: number): Promise<StateRow[]> {
  return queryRows<StateRow>(
    db,
    sql`select c.account_id, a.status, c.monthly, c.amount,
               exists (select 1 from suspensions x where x.account_id = a.id and x.status = 'active') as voluntary
        from (${compensationAmounts({ accounts: sql`select unnest(${idArray(ids)}::int8[]) as account_id`, days })}) c
        join accounts a on a.id = c.account_id
        order by c.account_id`,
  );
}

/** The rule of block and unblock for one account (the ledger's setServiceStatus applies it under the lock). */
function statusReason(kind: 'block' | 'unblock', r: StateRow): ErrorCode | null {
  if (r.status === 'terminated') return 'account_terminated';
  if (kind === 'block') return r.status === 'suspended' ? 'bulk_already_suspended' : null;
  if (r.status !== 'suspended') return 'bulk_not_suspended';
  return r.voluntary ? 'bulk_voluntary_suspension' : null;
}

/**
 * What `action` would do for each of `ids`, changing nothing: the preview and the operation's planned
 * amounts come from here, and the run applies the same rules under the accounts' locks.
 */
export async function classify(db: Db, action: BulkAction, ids: readonly number[]): Promise<Outcome[]> {
  if (ids.length === 0) return [];
  if (action.kind === 'tariff') {
    const { outcomes } = await classifyTariffChanges(db, { accountIds: ids, tariffId: action.tariffId, staff: true });
    return outcomes.map((o) => ({ accountId: o.accountId, reason: o.reason, amount: o.reason ? 0 : o.monthlyDelta }));
  }
  const rows = await accountStates(db, ids, action.kind === 'compensation' ? action.days : 0);
  return rows.map((r): Outcome => {
    switch (action.kind) {
      case 'compensation': {
        const reason = r.status === 'terminated' ? 'account_terminated' : r.amount === 0 ? 'bulk_no_fee' : null;
        return { accountId: r.account_id, reason, amount: reason ? 0 : r.amount };
      }
      case 'message':
        return { accountId: r.account_id, reason: r.status === 'terminated' ? 'account_terminated' : null, amount: 0 };
      default: {
        const reason = statusReason(action.kind, r);
        return { accountId: r.account_id, reason, amount: reason ? 0 : r.monthly };
      }
    }
  });
}

export interface RunContext {
  operationId: number;
  staffId: number;
  action: BulkAction;
}

/**
 * Does the action for one batch of the operation's accounts, inside the batch's transaction (the
 * caller marks the items with the results in the same transaction). The accounts are locked first, in
 * id order; money and status go through the ledger, the plan through the services module, messages
 * through the notifications outbox — each in one statement for the whole batch.
 */
export async function execute(tx: Db, run: RunContext, ids: readonly number[]): Promise<ItemResult[]> {
  if (ids.length === 0) return [];
  const { action } = run;
  const actor = { type: 'staff' as const, staffId: run.staffId };
  if (action.kind === 'tariff') {
    const outcomes = await requestTariffChanges(tx, {
      accountIds: ids,
      tariffId: action.tariffId,
      actor,
      comment: `bulk:${run.operationId}${action.comment ? ` ${action.comment}` : ''}`,
    });
    return outcomes.map((o) => resultOf(o.accountId, o.reason));
  }
  await tx.execute(sql`select id from accounts where id = any(${idArray(ids)}::int8[]) order by id ${ACCOUNT_LOCK}`);
  const rows = await accountStates(tx, ids, 0);
  if (action.kind === 'compensation') return compensate(tx, run, action, rows);
  if (action.kind === 'message') {
    const to = rows.filter((r) => r.status !== 'terminated').map((r) => r.account_id);
    const sent = await notifyMany(tx, {
      accounts: sql`select unnest(${idArray(to)}::int8[]) as account_id`,
      template: 'staff_message',
      params: {
        subject: { ru: action.subjectRu, en: action.subjectEn || action.subjectRu },
        text: { ru: action.textRu, en: action.textEn || action.textRu },
      },
      channels: action.channels,
    });
    const got = new Set(sent.perAccount.map((p) => p.account_id));
    return rows.map((r) =>
      resultOf(
        r.account_id,
        r.status === 'terminated' ? 'account_terminated' : got.has(r.account_id) ? null : 'not_found',
      ),
    );
  }
  const kind = action.kind;
  const eligible = rows.filter((r) => statusReason(kind, r) === null).map((r) => r.account_id);
  const changed = await setServiceStatuses(tx, {
    accountIds: eligible,
    change: kind === 'block' ? 'suspend' : 'resume',
    data: {
      by: 'staff',
      staffId: run.staffId,
      operationId: run.operationId,
      ...(kind === 'block' ? { reason: action.reason } : {}),
    },
  });
  const done = new Map(changed.filter((c) => c.changed).map((c) => [c.account_id, c]));
  await recordAudits(tx, {
    actorType: 'staff',
    actorId: run.staffId,
    action: kind === 'block' ? 'account.suspended_by_staff' : 'account.resumed_by_staff',
    entity: 'account',
    rows: [...done.values()].map((c) => ({
      entityId: c.account_id,
      before: { status: c.before },
      after: { status: c.status, operationId: run.operationId },
    })),
  });
  return rows.map((r) => resultOf(r.account_id, done.has(r.account_id) ? null : (statusReason(kind, r) ?? 'conflict')));
}

/** Compensation: the amounts fixed when the operation was created, one idempotent ledger entry each. */
async function compensate(
  tx: Db,
  run: RunContext,
  action: Extract<BulkAction, { kind: 'compensation' }>,
  rows: StateRow[],
): Promise<ItemResult[]> {
  const payable = rows.filter((r) => r.status !== 'terminated').map((r) => r.account_id);
  const credited = await postBulkCredits(tx, {
    credits: sql`select account_id, amount from bulk_operation_items
                 where operation_id = ${run.operationId} and account_id = any(${idArray(payable)}::int8[])`,
    keyPrefix: `bulk:${run.operationId}`,
    source: `staff:${run.staffId}`,
    comment: `compensation:${run.operationId}: ${action.comment}`,
  });
  const byAccount = new Map(credited.map((c) => [c.account_id, c]));
  await recordAudits(tx, {
    actorType: 'staff',
    actorId: run.staffId,
    action: 'bulk.compensation_credited',
    entity: 'account',
    rows: credited
      .filter((c) => !c.existed)
      .map((c) => ({ entityId: c.account_id, after: { operationId: run.operationId, amount: c.credited } })),
  });
  return rows.map((r) => {
    if (r.status === 'terminated') return resultOf(r.account_id, 'account_terminated');
    const c = byAccount.get(r.account_id);
    return c ? resultOf(r.account_id, null, c.credited) : resultOf(r.account_id, 'bulk_no_fee');
  });
}
