import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { type Actor, actorAudit, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { setServiceStatus } from '../ledger/set-service-status.js';
import { stateWord } from './review-suspension.js';
import type { SuspensionRow } from './suspension-history.js';

async function lockOwn(tx: Db, accountId: number, id: number): Promise<SuspensionRow> {
  const [s] = await queryRows<SuspensionRow>(
    tx,
    sql`select id, account_id, starts_on, ends_on, ended_on, status, free_days, daily_fee
        from suspensions where id = ${id} and account_id = ${accountId} for update`,
  );
  if (!s) throw new AppError('suspension_not_found');
  return s;
}

/**
 * Ends a suspension in effect early (the subscriber or staff): service comes back at once; today,
 * whose start found the account suspended, is its last day, and the subscription fee is charged again
 * from tomorrow. Unused free days stay in the allowance (only days used count).
 */
export async function endSuspensionEarly(
  db: Db,
  opts: { accountId: number; id: number; actor: Actor; now?: Date },
): Promise<{ id: number; endedOn: string; status: 'active' | 'blocked' }> {
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    const s = await lockOwn(tx, a.id, opts.id);
    if (s.status !== 'active') throw new AppError('suspension_wrong_state', { state: stateWord(s.status) });
    await tx.execute(sql`update suspensions set status = 'finished', ended_on = ${a.today}::date where id = ${s.id}`);
    await tx.execute(
      sql`update subscriptions set ends_on = ${a.today}::date
          where id = (select subscription_id from suspensions where id = ${s.id})`,
    );
    const status = await setServiceStatus(tx, {
      accountId: a.id,
      change: 'resume',
      data: { suspensionId: s.id, early: true, day: a.today },
    });
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'suspension.ended_early',
      entity: 'suspension',
      entityId: s.id,
      before: { status: s.status, endsOn: s.ends_on },
      after: { endedOn: a.today, accountStatus: status },
    });
    return { id: s.id, endedOn: a.today, status: status === 'blocked' ? 'blocked' : 'active' };
  });
}

/** Withdraws an application that has not started (waiting for review, or approved for a later day). */
export async function cancelSuspension(
  db: Db,
  opts: { accountId: number; id: number; actor: Actor },
): Promise<{ id: number; status: 'cancelled' }> {
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true });
    const s = await lockOwn(tx, a.id, opts.id);
    if (s.status !== 'pending' && s.status !== 'approved')
      throw new AppError('suspension_wrong_state', { state: stateWord(s.status) });
    await tx.execute(sql`update suspensions set status = 'cancelled' where id = ${s.id}`);
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'suspension.cancelled',
      entity: 'suspension',
      entityId: s.id,
      before: { status: s.status },
      after: { status: 'cancelled' },
    });
    return { id: s.id, status: 'cancelled' as const };
  });
}
