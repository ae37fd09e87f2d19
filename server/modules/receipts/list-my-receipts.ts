import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';

/** A subscriber's fiscal receipts, newest first (only their own account's payments). */
export async function listMyReceipts(db: Db, accountId: number) {
  const rows = await queryRows<{ payment_id: number; amount: number; succeeded_at: string | null; status: string; receipt_url: string | null; receipt_datetime: string | null }>(
    db,
    sql`select r.payment_id, p.amount, p.succeeded_at, r.status, r.receipt_url, r.receipt_datetime
        from receipts r join payments p on p.id = r.payment_id
        where p.account_id = ${accountId} order by p.id desc limit 200`,
  );
  return rows.map((r) => ({
    paymentId: r.payment_id,
    amount: r.amount,
    paidAt: r.succeeded_at == null ? null : new Date(r.succeeded_at).toISOString(),
    status: r.status,
    receiptUrl: r.receipt_url,
    receiptDatetime: r.receipt_datetime,
  }));
}
