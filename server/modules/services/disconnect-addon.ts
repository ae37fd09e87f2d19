import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { type Actor, actorAudit, assertNotTerminated, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { connectedAddons } from './addon-rules.js';
import { releaseStaticIps } from './static-ip.js';

/**
 * Disconnects an add-on at once: today (already charged at the start of the day) is its last day, so
 * nothing more is charged from tomorrow; one that has not started yet simply never starts. A static
 * IP's address goes back to the pool in the same transaction.
 */
export async function disconnectAddon(
  db: Db,
  opts: { accountId: number; serviceId: number; actor: Actor; now?: Date },
): Promise<{ lastDay: string; releasedAddress: string | null }> {
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    assertNotTerminated(a);
    const sub = (await connectedAddons(tx, a.id, a.today)).find((c) => c.service_id === opts.serviceId);
    if (!sub) throw new AppError('addon_not_connected');
    const lastDay = sub.starts_on > a.today ? addDays(sub.starts_on, -1) : a.today;
    await tx.execute(sql`update subscriptions set ends_on = ${lastDay}::date where id = ${sub.subscription_id}`);
    const released = await releaseStaticIps(tx, sql`select ${sub.subscription_id}::int8`);
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'addon.disconnected',
      entity: 'account',
      entityId: a.id,
      before: { serviceId: sub.service_id, subscriptionId: sub.subscription_id, endsOn: sub.ends_on },
      after: { lastDay, releasedAddress: released[0]?.address ?? null },
    });
    return { lastDay, releasedAddress: released[0]?.address ?? null };
  });
}
