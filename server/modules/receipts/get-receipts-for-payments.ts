import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

export interface PaymentReceipt {
  paymentId: number;
  status: string;
  receiptUrl: string | null;
}

/**
 * Receipts of the given payments, keyed by payment id: for payment histories (cabinet, back office).
 * Payments without a receipt (office cash, receipts disabled) are absent from the map.
 */
export async function getReceiptsForPayments(db: Db, paymentIds: number[]): Promise<Map<number, PaymentReceipt>> {
  const ids = [...new Set(paymentIds.filter((id) => Number.isSafeInteger(id)))];
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ payment_id: number; status: string; receipt_url: string | null }>(
    db,
    sql`select payment_id, status, receipt_url from receipts
        where operation = 'sell' and payment_id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  );
  return new Map(
    rows.map((r) => [r.payment_id, { paymentId: r.payment_id, status: r.status, receiptUrl: r.receipt_url }]),
  );
}
