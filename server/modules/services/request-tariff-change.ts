import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { type Actor, actorAudit, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { checkTariffChange, currentTariff, findTariff } from './tariff-change-rules.js';

/**
 * Asks for a tariff change from tomorrow: the open tariff subscription gets the pending plan, which the
 * daily run applies before tomorrow's charge (billing/apply-tariff-changes.ts). A second request
 * replaces the first. Staff may change the plan of an account blocked for debt; both are audited.
 */
export async function requestTariffChange(
  db: Db,
  opts: { accountId: number; tariffId: number; actor: Actor; now?: Date },
): Promise<{ tariffId: number; from: string }> {
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    const from = addDays(a.today, 1);
    const [current, target] = await Promise.all([currentTariff(tx, a.id), findTariff(tx, opts.tariffId)]);
    checkTariffChange(a, current, target, { staff: opts.actor.type === 'staff', from });
    if (current) {
      await tx.execute(
        sql`update subscriptions set pending_tariff_id = ${target.id}, pending_from = ${from}::date
            where id = ${current.subscription_id}`,
      );
    } else {
      // No plan at all (a contract signed with add-ons only): the plan simply starts tomorrow.
      await tx.execute(
        sql`insert into subscriptions (account_id, kind, tariff_id, monthly_fee, starts_on)
            values (${a.id}, 'tariff', ${target.id}, ${target.monthly_fee}, ${from}::date)`,
      );
    }
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'tariff.change_requested',
      entity: 'account',
      entityId: a.id,
      before: current ? { tariffId: current.id, pendingTariffId: current.pending_tariff_id } : null,
      after: { tariffId: target.id, from },
    });
    return { tariffId: target.id, from };
  });
}

/** Cancels a pending tariff change (nothing to cancel is not an error: the answer says so). */
export async function cancelTariffChange(
  db: Db,
  opts: { accountId: number; actor: Actor },
): Promise<{ cancelled: boolean }> {
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true });
    const current = await currentTariff(tx, a.id);
    if (!current?.pending_tariff_id) return { cancelled: false };
    await tx.execute(
      sql`update subscriptions set pending_tariff_id = null, pending_from = null where id = ${current.subscription_id}`,
    );
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'tariff.change_cancelled',
      entity: 'account',
      entityId: a.id,
      before: { pendingTariffId: current.pending_tariff_id, from: current.pending_from },
    });
    return { cancelled: true };
  });
}
