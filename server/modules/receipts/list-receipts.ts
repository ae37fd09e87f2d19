import { type SQL, sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { ReceiptStatus } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';

export interface ReceiptsFilter {
  status?: ReceiptStatus;
  account?: string;
  page: number;
  pageSize: number;
  /** The caller's regions: receipts of payments of accounts there. */
  regions: RegionScope;
}

/**
 * Finance's list of fiscal receipts, newest first: above all the ones that need a person — `failed`
 * (ATOL refused the document) and the ones whose job gave up while still `pending`/`registered`.
 * `retryable` says whether POST …/retry would do something now.
 */
export async function listReceipts(db: Db, f: ReceiptsFilter) {
  const conds: SQL[] = [inRegions(f.regions, sql`a.region_id`)];
  if (f.status) conds.push(sql`r.status = ${f.status}`);
  if (f.account) conds.push(sql`a.number = ${f.account}`);
  const where = sql.join(conds, sql` and `);
  const from = sql`receipts r join payments p on p.id = r.payment_id join accounts a on a.id = p.account_id`;
  const rows = await queryRows<{
    id: number;
    operation: 'sell' | 'sell_refund';
    payment_id: number;
    refund_id: number | null;
    account: string;
    total: number;
    status: ReceiptStatus;
    attempt: number;
    last_error: string | null;
    receipt_url: string | null;
    created_at: string;
    updated_at: string;
    job_active: boolean;
  }>(
    db,
    sql`select r.id, r.operation, r.payment_id, r.refund_id, a.number as account, r.total, r.status, r.attempt, r.last_error,
               r.receipt_url, r.created_at, r.updated_at,
               exists (select 1 from jobs j where j.name = 'receipts.register' and j.state in ('queued', 'running')
                         and j.payload = ${activeJobPayload}) as job_active
        from ${from} where ${where}
        order by r.id desc limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`,
  );
  const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int8 as n from ${from} where ${where}`);
  return {
    receipts: rows.map((r) => ({
      id: r.id,
      operation: r.operation,
      paymentId: r.payment_id,
      refundId: r.refund_id,
      account: r.account,
      total: r.total,
      status: r.status,
      attempt: r.attempt,
      lastError: r.last_error,
      receiptUrl: r.receipt_url,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
      retryable: isRetryable(r.status, r.job_active),
    })),
    page: f.page,
    pageSize: f.pageSize,
    total: count?.n ?? 0,
  };
}

/** The job payload that registers this receipt row (`r`): {paymentId} for a sale, {refundId} for a refund. */
export const activeJobPayload = sql`case when r.operation = 'sell_refund' then jsonb_build_object('refundId', r.refund_id)
                                        else jsonb_build_object('paymentId', r.payment_id) end`;

export function isRetryable(status: ReceiptStatus, jobActive: boolean): boolean {
  return status === 'failed' || ((status === 'pending' || status === 'registered') && !jobActive);
}
