import { sql } from 'drizzle-orm';
import { queryRows, queryRowsPrepared, type Db } from '../../db/client.js';
import type { ProviderPayment } from '../../integrations/acquiring/provider.js';
import { creditPayment, creditSnapshotColumns, type CreditSnapshot } from '../ledger/credit-payment.js';
import { receiptWrites } from '../receipts/after-payment-succeeded.js';

export interface ApplyResult {
  paymentId: number;
  status: string;
  /** True only for the one call that moved the payment to succeeded and credited it. */
  credited: boolean;
}

/** Which payment: our id, or the provider's name and its id for it (what a notification carries). */
export type PaymentRef = number | { provider: string; externalId: string };

/**
 * The payment state machine: pending → succeeded | canceled, nothing else. The provider's view
 * (always fetched from the provider, never taken from a notification body) is applied under a row
 * lock on the payment, and the credit (idempotency key `payment:<id>`) happens in the same transaction
 * as the status change — so any number of notifications, in any order, at once, credit exactly once.
 *
 * The common path is three round trips inside the transaction: lock the payment and its account (with
 * what the credit needs), one statement that credits and marks the payment succeeded (with its
 * receipt and saved card), commit. See docs/payments.md, "Performance".
 */
export async function applyProviderStatus(db: Db, ref: PaymentRef, seen: ProviderPayment): Promise<ApplyResult> {
  const where =
    typeof ref === 'number' ? sql`p.id = ${ref}` : sql`p.provider = ${ref.provider} and p.external_id = ${ref.externalId}`;
  return db.transaction(async (tx) => {
    const [p] = await queryRowsPrepared<
      CreditSnapshot & {
        id: number; amount: number; status: string; provider: string; external_id: string | null; today: string;
        save_method: boolean; region_id: number; receipts_enabled: boolean;
      }
    >(
      tx,
      sql`select p.id, p.amount, p.status, p.provider, p.external_id, a.region_id,
                 coalesce((p.metadata->>'saveMethod')::boolean, false) as save_method,
                 coalesce(rs.enabled, false) as receipts_enabled,
                 (now() at time zone r.time_zone)::date::text as today,
                 ${creditSnapshotColumns(sql`(now() at time zone r.time_zone)::date`)}
          from payments p join accounts a on a.id = p.account_id join regions r on r.id = a.region_id
          left join receipt_settings rs on rs.region_id = a.region_id
          where ${where} for update of p, a`,
    );
    if (!p) return { paymentId: typeof ref === 'number' ? ref : 0, status: 'missing', credited: false };
    if (p.status !== 'pending' || seen.status === 'pending' || seen.externalId !== p.external_id) {
      return { paymentId: p.id, status: p.status, credited: false };
    }
    if (seen.status === 'canceled' || seen.amount !== p.amount) {
      // A provider amount that differs from what we asked is never credited; it is left for finance.
      const reason = seen.status === 'canceled' ? 'canceled by provider' : `amount mismatch: ${seen.amount}`;
      await tx.execute(sql`update payments set status = 'canceled', canceled_at = now(),
                             metadata = metadata || ${JSON.stringify({ cancelReason: reason })}::jsonb where id = ${p.id}`);
      return { paymentId: p.id, status: 'canceled', credited: false };
    }
    const saved = p.save_method ? seen.savedMethod : null;
    const credited = await creditPayment(
      tx,
      {
        accountId: p.account_id,
        amount: p.amount,
        idempotencyKey: `payment:${p.id}`,
        source: `provider:${p.provider}`,
        effectiveOn: p.today,
        comment: `card payment ${p.external_id}`,
        alongside: (c) => [
          sql`update payments set status = 'succeeded', succeeded_at = now(), ledger_entry_id = c.entry_id,
                metadata = metadata || jsonb_build_object('bonus', c.bonus) from ${c} c where payments.id = ${p.id}`,
          ...receiptWrites({ id: p.id, provider: p.provider, amount: p.amount, regionId: p.region_id, enabled: p.receipts_enabled }, c),
          ...(saved
            ? [sql`insert into saved_payment_methods (account_id, provider, method_ref, title)
                   select ${p.account_id}, ${p.provider}, ${saved.ref}, ${saved.title} from ${c}
                   on conflict (provider, method_ref) do nothing`]
            : []),
        ],
      },
      p,
    );
    if (!credited.created) throw new Error(`payment ${p.id} was pending but its credit already existed`);
    return { paymentId: p.id, status: 'succeeded', credited: true };
  });
}
