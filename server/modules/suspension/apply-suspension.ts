import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { type Actor, actorAudit, actorLabel, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { notify } from '../notifications/notify.js';
import { assertDays } from './preview-suspension.js';
import { listAccountSuspensions, rulesOf } from './suspension-history.js';
import { checkApplication } from './suspension-rules-check.js';

/**
 * An application for a voluntary suspension (the subscriber's, or staff's on their behalf). Checked
 * under the account's row lock, so two applications at once cannot both take the same days. In a region
 * that approves automatically, an application that meets the rules is approved at once (the rules were
 * just checked) and the subscriber told; otherwise it waits in the staff queue.
 */
export async function applySuspension(
  db: Db,
  opts: { accountId: number; startsOn: string; endsOn: string; comment?: string | null; actor: Actor; now?: Date },
): Promise<{ id: number; status: 'pending' | 'approved' }> {
  assertDays(opts);
  const comment = opts.comment?.trim() || null;
  if (comment && comment.length > 500) throw new AppError('validation_failed', { details: 'comment' });
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    const rules = rulesOf(a.settings);
    const rows = await listAccountSuspensions(tx, a.id);
    checkApplication(a, rows, opts, rules, { staff: opts.actor.type === 'staff' });
    const auto = rules.autoApprove;
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into suspensions (account_id, starts_on, ends_on, status, daily_fee, comment, created_by, reviewed_by, reviewed_at)
          values (${a.id}, ${opts.startsOn}::date, ${opts.endsOn}::date, ${auto ? 'approved' : 'pending'},
                  ${auto ? rules.dailyFee : null}, ${comment}, ${actorLabel(opts.actor)},
                  ${auto ? 'auto' : null}, ${auto ? sql`now()` : null})
          returning id`,
    );
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: auto ? 'suspension.applied_auto_approved' : 'suspension.applied',
      entity: 'suspension',
      entityId: row!.id,
      after: { accountId: a.id, startsOn: opts.startsOn, endsOn: opts.endsOn },
    });
    if (auto) {
      await notify(tx, {
        accountId: a.id,
        template: 'suspension_approved',
        params: { from: ruDate(opts.startsOn), to: ruDate(opts.endsOn) },
      });
    }
    return { id: row!.id, status: auto ? 'approved' : 'pending' };
  });
}

/** 2026-12-01 → 01.12.2026, as dates read in notices. */
export function ruDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}.${m}.${y}`;
}
