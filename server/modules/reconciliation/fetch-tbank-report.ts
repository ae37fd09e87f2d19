import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction } from '../../db/transaction.js';
import type { PaymentProvider } from '../../integrations/acquiring/provider.js';
import { PAID, type TBankClient, tbankOrderId } from '../../integrations/acquiring/tbank-client.js';
import { providerKeyOf } from '../payments/provider-requests.js';
import type { RegistryLine } from './channel-adapters.js';
import { TBANK_DAY_SQL } from './channel-adapters.js';

/**
 * T-Bank's side of one Moscow day, read from its API (docs/reports.md, "Reconciliation"): T-Bank Internet
 * Acquiring publishes no registry file format for developers and has no "payments of a day" method, so
 * the day's orders are the ones we made (every T-Bank payment starts with our Init): for each of our
 * T-Bank payments of the day — credited, pending or canceled here — CheckOrder lists every payment
 * T-Bank holds under its OrderId with the amount and status; those whose money came (CONFIRMED and the
 * refund statuses after it) are the "report". So a payment T-Bank confirmed that we never credited, a
 * second payment under one order, one we credited that T-Bank did not confirm and a differing amount all
 * show. Asks T-Bank between no transaction's steps; an undecided answer fails the whole load.
 */
export async function fetchTbankReport(
  db: Db,
  provider: PaymentProvider | undefined,
  day: string,
): Promise<RegistryLine[]> {
  assertNoTransaction(db, 'fetchTbankReport: it asks T-Bank for every order of the day');
  if (!provider || provider.name !== 'tbank')
    throw new AppError('reconciliation_provider_unavailable', { channel: 'tbank' });
  const tbank = provider as TBankClient;
  const orders = await queryRows<{ id: number; provider_key: string | null; account: string }>(
    db,
    sql`select p.id, p.provider_key, a.number as account from payments p join accounts a on a.id = p.account_id
        where p.provider = 'tbank' and ${TBANK_DAY_SQL} = ${day} order by p.id`,
  );
  const lines: RegistryLine[] = [];
  const seen = new Set<string>();
  for (const o of orders) {
    let found: Awaited<ReturnType<TBankClient['orderPayments']>>;
    try {
      found = await tbank.orderPayments(tbankOrderId(providerKeyOf(o)));
    } catch (e) {
      throw new AppError('reconciliation_provider_unavailable', { channel: 'tbank', details: (e as Error).message });
    }
    for (const f of found) {
      if (!PAID.has(f.status) || seen.has(f.paymentId)) continue;
      seen.add(f.paymentId);
      lines.push({ externalId: f.paymentId, account: o.account, amount: f.amount, fee: null, at: null });
    }
  }
  return lines;
}
