import { sql } from 'drizzle-orm';

import { isDeclineReason } from '../../../common/decline-reasons.js';
import { type Db, queryRows } from '../../db/client.js';
import type { PaymentMethod, PaymentStatus } from '../../db/schema/index.js';

/**
 * The subscriber's payment history (any provider), newest first, with the receipt link when there is
 * one and what of it went back to the card.
 */
export async function listPayments(db: Db, accountId: number, limit = 100) {
  const rows = await queryRows<{
    id: number;
    provider: string;
    method: PaymentMethod;
    amount: number;
    status: PaymentStatus;
    created_at: string | Date;
    succeeded_at: string | Date | null;
    bonus: number | null;
    receipt_url: string | null;
    refunded: number;
    decline_reason: string | null;
  }>(
    db,
    sql`select p.id, p.provider, p.method, p.amount, p.status, p.created_at, p.succeeded_at, p.metadata->>'declineReason' as decline_reason,
               (p.metadata->>'bonus')::int8 as bonus, (select rc.receipt_url from receipts rc where rc.payment_id = p.id and rc.operation = 'sell') as receipt_url,
               (select coalesce(sum(f.amount), 0)::int8 from payment_refunds f where f.payment_id = p.id and f.status = 'succeeded') as refunded
        from payments p where p.account_id = ${accountId} order by p.created_at desc, p.id desc limit ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    provider: r.provider,
    method: r.method,
    amount: r.amount,
    status: r.status,
    bonus: r.bonus ?? 0,
    createdAt: new Date(r.created_at).toISOString(),
    succeededAt: r.succeeded_at ? new Date(r.succeeded_at).toISOString() : null,
    receiptUrl: r.receipt_url,
    refunded: r.refunded,
    declineReason: r.status === 'canceled' && isDeclineReason(r.decline_reason) ? r.decline_reason : null,
  }));
}

export async function getOwnPayment(db: Db, accountId: number, id: number) {
  const [r] = await queryRows<{
    id: number;
    amount: number;
    status: PaymentStatus;
    method: PaymentMethod;
    decline_reason: string | null;
  }>(
    db,
    sql`select id, amount, status, method, metadata->>'declineReason' as decline_reason
        from payments where id = ${id} and account_id = ${accountId}`,
  );
  if (!r) return null;
  return {
    id: r.id,
    amount: r.amount,
    status: r.status,
    method: r.method,
    declineReason: r.status === 'canceled' && isDeclineReason(r.decline_reason) ? r.decline_reason : null,
  };
}

/** Public return page: only the status of a payment by its public id (no amount, no account). */
export async function getPaymentStatus(db: Db, publicId: string) {
  const [r] = await queryRows<{ id: string; status: PaymentStatus }>(
    db,
    sql`select public_id as id, status from payments where public_id = ${publicId}`,
  );
  return r ?? null;
}
