import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AppDeps } from '../../deps.js';
import {
  type PaymentProvider,
  type PayMethod,
  type ProviderName,
  providersForRegion,
} from '../../integrations/acquiring/provider.js';

/** What choosing an acquirer needs: PAYMENT_PROVIDERS and the acquirers built from the credentials. */
export type Acquiring = Pick<AppDeps, 'config' | 'acquirers'>;

/** The acquirer by name; a payment row names its provider, so notifications and reconciliation find it. */
export function providerByName(deps: AppDeps, name: string): PaymentProvider {
  const p = deps.acquirers[name as ProviderName];
  if (!p) throw new AppError('payment_provider_unavailable');
  return p;
}

/**
 * The acquirers enabled for the account's region (PAYMENT_PROVIDERS, in the order given) that have
 * credentials. Production never falls back to the test acquirer: card payments stay off until configured.
 */
async function regionProviders(db: Db, deps: Acquiring, accountId: number): Promise<PaymentProvider[]> {
  const [r] = await queryRows<{ code: string }>(
    db,
    sql`select r.code from accounts a join regions r on r.id = a.region_id where a.id = ${accountId}`,
  );
  const spec = deps.config.PAYMENT_PROVIDERS ?? (deps.config.NODE_ENV === 'production' ? '' : 'test_acquirer');
  return providersForRegion(spec, r?.code ?? '')
    .map((name) => deps.acquirers[name])
    .filter((p): p is PaymentProvider => p !== undefined);
}

/**
 * Per region and method: the first enabled acquirer that takes the method — `msk=tbank,yookassa` pays
 * cards through T-Bank and SBP through YooKassa (docs/payments.md, "Providers").
 */
export async function providerForAccount(
  db: Db,
  deps: AppDeps,
  accountId: number,
  method: PayMethod = 'card',
): Promise<PaymentProvider> {
  const p = (await regionProviders(db, deps, accountId)).find((x) => x.methods.includes(method));
  if (!p) throw new AppError(method === 'sbp' ? 'sbp_unavailable' : 'payment_provider_unavailable');
  return p;
}

/** What the account can pay with now (the cabinet shows only these). */
export async function paymentOptions(db: Db, deps: Acquiring, accountId: number) {
  const providers = await regionProviders(db, deps, accountId);
  const by = (m: PayMethod) => providers.find((p) => p.methods.includes(m))?.name ?? null;
  return { card: by('card') !== null, sbp: by('sbp') !== null, cardProvider: by('card'), sbpProvider: by('sbp') };
}
