import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { applyProviderStatus, type ApplyResult } from './apply-provider-status.js';
import { providerByName } from './get-provider.js';

/**
 * A provider told us "payment X changed". Whatever the body said, we ask the provider for X and apply
 * what it answers; an unknown X is ignored (answered 200 so the provider stops retrying).
 */
export async function handleNotification(
  db: Db,
  deps: AppDeps,
  provider: string,
  externalId: string,
): Promise<ApplyResult | null> {
  assertNoTransaction(db, 'handleNotification: it re-fetches the payment from the provider');
  let seen;
  try {
    seen = await providerByName(deps, provider).getPayment(externalId);
  } catch (e) {
    // The provider does not know it either (or is down): ignore what is not ours, retry what is.
    const [known] = await queryRows(
      db,
      sql`select 1 from payments where provider = ${provider} and external_id = ${externalId}`,
    );
    if (!known) return null;
    throw e;
  }
  const r = await applyProviderStatus(db, { provider, externalId }, seen);
  return r.status === 'missing' ? null : r;
}

/**
 * Recovery path: payments still pending after `olderThanSeconds` are re-fetched from their provider
 * and applied. Covers lost notifications and a crash between the provider's confirmation and our credit.
 */
export async function reconcilePendingPayments(db: Db, deps: AppDeps, opts: { olderThanSeconds?: number } = {}) {
  assertNoTransaction(db, 'reconcilePendingPayments: it asks the provider about each payment');
  const rows = await queryRows<{ id: number; provider: string; external_id: string }>(
    db,
    sql`select id, provider, external_id from payments
        where status = 'pending' and external_id is not null and provider in ('test_acquirer', 'yookassa')
          and created_at < now() - make_interval(secs => ${opts.olderThanSeconds ?? 60})
          and created_at > now() - interval '7 days'
        order by id limit 500`,
  );
  let credited = 0;
  for (const r of rows) {
    const p = deps.acquirers[r.provider as 'yookassa'];
    if (!p) continue;
    try {
      const res = await applyProviderStatus(db, r.id, await p.getPayment(r.external_id));
      if (res.credited) credited++;
    } catch {
      // One unreachable payment must not stop the rest; the next run tries it again.
    }
  }
  return { checked: rows.length, credited };
}
