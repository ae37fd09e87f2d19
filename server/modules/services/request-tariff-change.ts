import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { type Actor, actorAudit, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { requestTariffChanges } from './request-tariff-changes.js';
import { currentTariff } from './tariff-change-rules.js';

/**
 * Asks for a tariff change from tomorrow: the open tariff subscription gets the pending plan, which the
 * daily run applies before tomorrow's charge (billing/apply-tariff-changes.ts). A second request
 * replaces the first. Staff may change the plan of an account blocked for debt; both are audited.
 * The same use-case as a bulk plan change (request-tariff-changes.ts), for one account.
 */
export async function requestTariffChange(
  db: Db,
  opts: { accountId: number; tariffId: number; actor: Actor; now?: Date },
): Promise<{ tariffId: number; from: string }> {
  const [r] = await requestTariffChanges(db, { ...opts, accountIds: [opts.accountId] });
  if (!r) throw new AppError('account_not_found', { account: opts.accountId });
  if (r.reason) throw new AppError(r.reason);
  return { tariffId: opts.tariffId, from: r.from };
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
