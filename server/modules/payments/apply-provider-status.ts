import { sql } from 'drizzle-orm';
import { todayIn } from '../../../common/dates.js';
import { queryRows, type Db } from '../../db/client.js';
import type { ProviderPayment } from '../../integrations/acquiring/provider.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { afterPaymentSucceeded } from '../receipts/after-payment-succeeded.js';

export interface ApplyResult {
  paymentId: number;
  status: string;
  /** True only for the one call that moved the payment to succeeded and credited it. */
  credited: boolean;
}

/**
 * The payment state machine: pending → succeeded | canceled, nothing else. The provider's view
 * (always fetched from the provider, never taken from a notification body) is applied under a row
 * lock on the payment, and the credit (idempotency key `payment:<id>`) happens in the same transaction
 * as the status change — so any number of notifications, in any order, at once, credit exactly once.
 */
export async function applyProviderStatus(db: Db, paymentId: number, seen: ProviderPayment): Promise<ApplyResult> {
  return db.transaction(async (tx) => {
    const [p] = await queryRows<{ id: number; account_id: number; amount: number; status: string; provider: string; external_id: string | null; time_zone: string; save_method: boolean }>(
      tx,
      sql`select p.id, p.account_id, p.amount, p.status, p.provider, p.external_id, r.time_zone,
                 coalesce((p.metadata->>'saveMethod')::boolean, false) as save_method
          from payments p join accounts a on a.id = p.account_id join regions r on r.id = a.region_id
          where p.id = ${paymentId} for update of p`,
    );
    if (!p) return { paymentId, status: 'missing', credited: false };
    if (p.status !== 'pending' || seen.status === 'pending' || seen.externalId !== p.external_id) {
      return { paymentId, status: p.status, credited: false };
    }
    if (seen.status === 'canceled' || seen.amount !== p.amount) {
      // A provider amount that differs from what we asked is never credited; it is left for finance.
      const reason = seen.status === 'canceled' ? 'canceled by provider' : `amount mismatch: ${seen.amount}`;
      await tx.execute(sql`update payments set status = 'canceled', canceled_at = now(),
                             metadata = metadata || ${JSON.stringify({ cancelReason: reason })}::jsonb where id = ${p.id}`);
      return { paymentId, status: 'canceled', credited: false };
    }
    const credited = await creditPayment(tx, {
      accountId: p.account_id,
      amount: p.amount,
      idempotencyKey: `payment:${p.id}`,
      source: `provider:${p.provider}`,
      effectiveOn: todayIn(p.time_zone),
      comment: `card payment ${p.external_id}`,
    });
    await tx.execute(sql`update payments set status = 'succeeded', succeeded_at = now(), ledger_entry_id = ${credited.entryId},
                           metadata = metadata || ${JSON.stringify({ bonus: credited.bonus })}::jsonb where id = ${p.id}`);
    await afterPaymentSucceeded(tx, p.id);
    if (p.save_method && seen.savedMethod) {
      await tx.execute(sql`insert into saved_payment_methods (account_id, provider, method_ref, title)
                           values (${p.account_id}, ${p.provider}, ${seen.savedMethod.ref}, ${seen.savedMethod.title})
                           on conflict (provider, method_ref) do nothing`);
    }
    return { paymentId, status: 'succeeded', credited: true };
  });
}
