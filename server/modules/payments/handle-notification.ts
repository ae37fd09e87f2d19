import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import type { ProviderPayment } from '../../integrations/acquiring/provider.js';
import { applyProviderStatus, type ApplyResult } from './apply-provider-status.js';
import { providerByName } from './get-provider.js';
import {
  attachExternalId,
  noteProviderError,
  pendingPaymentColumns,
  type PendingPaymentRow,
  resolvePendingPayment,
} from './provider-requests.js';

/**
 * A provider told us "payment X changed". Whatever the body said, we ask the provider for X and apply
 * what it answers. A payment we have no id for yet (the answer to our POST was lost) is found by the
 * payment id we put in the provider's metadata, and gets its id now. An unknown X is ignored (answered
 * 200 so the provider stops retrying).
 */
export async function handleNotification(
  db: Db,
  deps: AppDeps,
  provider: string,
  externalId: string,
  /**
   * What a signed notification adds that the provider's status call does not carry (T-Bank: the saved
   * card's RebillId, the issuer's decline code). Only for notifications whose signature was verified.
   */
  signed: Pick<ProviderPayment, 'savedMethod' | 'declineReason'> = {},
): Promise<ApplyResult | null> {
  assertNoTransaction(db, 'handleNotification: it re-fetches the payment from the provider');
  let seen: ProviderPayment;
  try {
    seen = await providerByName(deps, provider).getPayment(externalId);
    if (seen.status === 'succeeded' && signed.savedMethod && !seen.savedMethod) seen.savedMethod = signed.savedMethod;
    if (seen.status === 'canceled' && signed.declineReason && !seen.declineReason)
      seen.declineReason = signed.declineReason;
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
  if (r.status !== 'missing') return r;
  if (!seen.paymentId) return null;
  const [ours] = await queryRows<{ id: number }>(
    db,
    sql`select id from payments where id = ${seen.paymentId} and provider = ${provider} and external_id is null`,
  );
  if (!ours) return null;
  await attachExternalId(db, ours.id, seen.externalId);
  return applyProviderStatus(db, ours.id, seen);
}

/**
 * Recovery path: payments still pending after `olderThanSeconds` are settled from their provider —
 * re-fetched by id, or, without an id (a lost answer), looked up by our payment id and canceled only
 * when the provider still has none after the idempotence key's life. Covers lost notifications, lost
 * answers, and a crash between the provider's confirmation and our credit.
 */
export async function reconcilePendingPayments(db: Db, deps: AppDeps, opts: { olderThanSeconds?: number } = {}) {
  assertNoTransaction(db, 'reconcilePendingPayments: it asks the provider about each payment');
  const rows = await queryRows<PendingPaymentRow>(
    db,
    sql`select ${pendingPaymentColumns} from payments
        where status = 'pending' and provider in ('test_acquirer', 'yookassa', 'tbank')
          and created_at < now() - make_interval(secs => ${opts.olderThanSeconds ?? 60})
          and created_at > now() - interval '7 days'
        order by id limit 500`,
  );
  let credited = 0;
  for (const r of rows) {
    try {
      if ((await resolvePendingPayment(db, deps, r)) === 'succeeded') credited++;
    } catch (e) {
      // One unreachable payment must not stop the rest; the next run tries it again.
      await noteProviderError(db, r.id, e).catch(() => undefined);
    }
  }
  return { checked: rows.length, credited };
}
