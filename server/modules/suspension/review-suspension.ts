import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { notify } from '../notifications/notify.js';
import { ruDate } from './apply-suspension.js';
import { rulesOf, type SuspensionRow } from './suspension-history.js';

async function lockPending(tx: Db, id: number): Promise<SuspensionRow> {
  // Lock order: the account row first, then the application.
  const [head] = await queryRows<{ account_id: number }>(tx, sql`select account_id from suspensions where id = ${id}`);
  if (!head) throw new AppError('suspension_not_found');
  await loadAccount(tx, head.account_id, { lock: true });
  const [s] = await queryRows<SuspensionRow>(
    tx,
    sql`select id, account_id, starts_on, ends_on, ended_on, status, free_days, daily_fee, comment, refuse_reason,
               created_by, reviewed_by, reviewed_at::text, created_at::text
        from suspensions where id = ${id} for update`,
  );
  if (s!.status !== 'pending') throw new AppError('suspension_wrong_state', { state: stateWord(s!.status) });
  return s!;
}

/** The state in words for an error message (ru/en). */
export function stateWord(status: string): { ru: string; en: string } {
  const words: Record<string, { ru: string; en: string }> = {
    pending: { ru: 'на рассмотрении', en: 'pending review' },
    approved: { ru: 'одобрена', en: 'approved' },
    active: { ru: 'действует', en: 'in effect' },
    finished: { ru: 'завершена', en: 'finished' },
    refused: { ru: 'отклонена', en: 'refused' },
    cancelled: { ru: 'отменена', en: 'cancelled' },
  };
  return words[status] ?? { ru: status, en: status };
}

/**
 * Staff approve an application: the region's daily fee is fixed on it, and the daily run suspends the
 * account on its first day. Approved on or after the first day (late), it starts tomorrow instead and
 * keeps its last day; when that has passed too, it can only be refused. The subscriber is told.
 */
export async function approveSuspension(db: Db, opts: { id: number; staffId: number; ip?: string | null; now?: Date }) {
  return inTransaction(db, async (tx) => {
    const s = await lockPending(tx, opts.id);
    const a = await loadAccount(tx, s.account_id, { now: opts.now });
    const tomorrow = addDays(a.today, 1);
    const startsOn = s.starts_on < tomorrow ? tomorrow : s.starts_on;
    if (startsOn > s.ends_on) throw new AppError('suspension_period_passed');
    const rules = rulesOf(a.settings);
    await tx.execute(
      sql`update suspensions set status = 'approved', starts_on = ${startsOn}::date, daily_fee = ${rules.dailyFee},
            reviewed_by = ${`staff:${opts.staffId}`}, reviewed_at = now()
          where id = ${s.id}`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: 'suspension.approved',
      entity: 'suspension',
      entityId: s.id,
      before: { status: s.status, startsOn: s.starts_on },
      after: { status: 'approved', startsOn, endsOn: s.ends_on, dailyFee: rules.dailyFee },
      ip: opts.ip ?? null,
    });
    await notify(tx, {
      accountId: s.account_id,
      template: 'suspension_approved',
      params: { from: ruDate(startsOn), to: ruDate(s.ends_on) },
    });
    return { id: s.id, status: 'approved' as const, startsOn, endsOn: s.ends_on };
  });
}

/** Staff refuse an application with a reason the subscriber reads (in the cabinet and the notice). */
export async function refuseSuspension(
  db: Db,
  opts: { id: number; staffId: number; reason: string; ip?: string | null },
) {
  const reason = opts.reason.trim();
  if (!reason) throw new AppError('reason_required');
  return inTransaction(db, async (tx) => {
    const s = await lockPending(tx, opts.id);
    await tx.execute(
      sql`update suspensions set status = 'refused', refuse_reason = ${reason}, reviewed_by = ${`staff:${opts.staffId}`},
            reviewed_at = now() where id = ${s.id}`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: 'suspension.refused',
      entity: 'suspension',
      entityId: s.id,
      before: { status: s.status },
      after: { status: 'refused', reason },
      ip: opts.ip ?? null,
    });
    await notify(tx, {
      accountId: s.account_id,
      template: 'suspension_refused',
      params: { from: ruDate(s.starts_on), to: ruDate(s.ends_on), reason },
    });
    return { id: s.id, status: 'refused' as const };
  });
}
