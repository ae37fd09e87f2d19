import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { PaymentMethod, ReceiptOperation, ReceiptStatus } from '../../db/schema/index.js';

/** A subscriber's fiscal receipts (sales and card refunds), newest first (only their own account's). */
export async function listMyReceipts(db: Db, accountId: number) {
  const rows = await queryRows<{
    payment_id: number;
    operation: ReceiptOperation;
    method: PaymentMethod;
    amount: number;
    succeeded_at: string | null;
    status: ReceiptStatus;
    receipt_url: string | null;
    receipt_datetime: string | null;
  }>(
    db,
    sql`select r.payment_id, r.operation, p.method, r.total as amount, coalesce(f.finished_at, p.succeeded_at) as succeeded_at, r.status, r.receipt_url, r.receipt_datetime
        from receipts r join payments p on p.id = r.payment_id left join payment_refunds f on f.id = r.refund_id
        where p.account_id = ${accountId} order by r.id desc limit 200`,
  );
  return rows.map((r) => ({
    paymentId: r.payment_id,
    operation: r.operation,
    method: r.method,
    amount: r.amount,
    paidAt: r.succeeded_at == null ? null : new Date(r.succeeded_at).toISOString(),
    status: r.status,
    receiptUrl: r.receipt_url,
    receiptDatetime: r.receipt_datetime,
  }));
}
