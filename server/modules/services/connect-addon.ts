import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { type Actor, actorAudit, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { checkConnect, connectedAddons, findService } from './addon-rules.js';
import { allocateStaticIp } from './static-ip.js';

/**
 * Connects a TV package or a static IP: the service works at once, its monthly fee is charged daily
 * from tomorrow by the same rule as the plan (docs/services.md). A static IP takes an address from the
 * region's pool in the same transaction; an empty pool refuses and nothing is connected.
 */
export async function connectAddon(
  db: Db,
  opts: { accountId: number; serviceId: number; actor: Actor; now?: Date },
): Promise<{ subscriptionId: number; from: string; address: string | null }> {
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    const [service, connected] = await Promise.all([
      findService(tx, opts.serviceId),
      connectedAddons(tx, opts.accountId, a.today),
    ]);
    checkConnect(a, service, connected, { staff: opts.actor.type === 'staff' });
    const from = addDays(a.today, 1);
    const [sub] = await queryRows<{ id: number }>(
      tx,
      sql`insert into subscriptions (account_id, kind, service_id, monthly_fee, starts_on)
          values (${a.id}, 'service', ${service.id}, ${service.monthly_fee}, ${from}::date) returning id`,
    );
    const address =
      service.kind === 'static_ip'
        ? await allocateStaticIp(tx, { regionId: a.regionId, accountId: a.id, subscriptionId: sub!.id })
        : null;
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'addon.connected',
      entity: 'account',
      entityId: a.id,
      after: { serviceId: service.id, subscriptionId: sub!.id, monthlyFee: service.monthly_fee, from, address },
    });
    return { subscriptionId: sub!.id, from, address };
  });
}
