import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { applyProviderStatus } from './apply-provider-status.js';
import { providerByName } from './get-provider.js';
import { noteProviderError } from './provider-requests.js';

/** A payment the payer is watching is asked at its provider at most this often. */
export const REFRESH_EVERY_SECONDS = 3;

/**
 * The payer waits on our page (an SBP QR code, or back from the card page) and polls the payment's
 * status: while it is pending, its provider is asked at most every few seconds (the claim is one
 * conditional UPDATE, so several tabs or app servers ask once) and the answer goes through the state
 * machine — so the page ends even when a notification is slow. A provider error leaves it pending.
 */
export async function refreshPendingPayment(db: Db, deps: AppDeps, paymentId: number): Promise<void> {
  assertNoTransaction(db, 'refreshPendingPayment: it asks the provider');
  const [p] = await queryRows<{ provider: string; external_id: string }>(
    db,
    sql`update payments set metadata = metadata || jsonb_build_object('checkedAt', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        where id = ${paymentId} and status = 'pending' and external_id is not null
          and provider in ('yookassa', 'tbank', 'test_acquirer')
          and (metadata->>'checkedAt' is null
               or (metadata->>'checkedAt')::timestamptz < now() - make_interval(secs => ${REFRESH_EVERY_SECONDS}))
        returning provider, external_id`,
  );
  if (!p) return;
  try {
    await applyProviderStatus(db, paymentId, await providerByName(deps, p.provider).getPayment(p.external_id));
  } catch (e) {
    await noteProviderError(db, paymentId, e).catch(() => undefined);
  }
}
