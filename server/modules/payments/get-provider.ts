import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AppDeps } from '../../deps.js';
import { type PaymentProvider, type ProviderName, providersForRegion } from '../../integrations/acquiring/provider.js';

/** The acquirer by name; a payment row names its provider, so notifications and reconciliation find it. */
export function providerByName(deps: AppDeps, name: string): PaymentProvider {
  const p = deps.acquirers[name as ProviderName];
  if (!p) throw new AppError('payment_provider_unavailable');
  return p;
}

/** The first acquirer enabled for the account's region (PAYMENT_PROVIDERS) that has credentials. */
export async function providerForAccount(db: Db, deps: AppDeps, accountId: number): Promise<PaymentProvider> {
  const [r] = await queryRows<{ code: string }>(
    db,
    sql`select r.code from accounts a join regions r on r.id = a.region_id where a.id = ${accountId}`,
  );
  // Production never falls back to the test acquirer: card payments stay off until configured.
  const spec = deps.config.PAYMENT_PROVIDERS ?? (deps.config.NODE_ENV === 'production' ? '' : 'test_acquirer');
  for (const name of providersForRegion(spec, r?.code ?? '')) {
    const p = deps.acquirers[name];
    if (p) return p;
  }
  throw new AppError('payment_provider_unavailable');
}
