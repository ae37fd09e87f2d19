import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { ReceiptStatus } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { enqueue } from '../../jobs/queue.js';
import { recordAudit } from '../audit/record-audit.js';
import { activeJobPayload, isRetryable } from './list-receipts.js';
import { registerReceiptJob } from './register-receipt.job.js';

/**
 * Finance sends a receipt to ATOL again, after fixing what made it fail (the region's INN or group,
 * the subscriber's contact). A `failed` one becomes a new document (next attempt: a new external_id,
 * since ATOL keeps a refused one for good); a `pending`/`registered` one whose job gave up gets a new
 * job that continues where the last stopped (a registered uuid is kept, so nothing is sold twice).
 */
export async function retryReceipt(db: Db, receiptId: number, staffId: number, ip?: string | null) {
  return inTransaction(db, async (tx) => {
    const [r] = await queryRows<{
      id: number;
      status: ReceiptStatus;
      attempt: number;
      operation: string;
      payment_id: number;
      refund_id: number | null;
      job_active: boolean;
    }>(
      tx,
      sql`select r.id, r.status, r.attempt, r.operation, r.payment_id, r.refund_id,
                 exists (select 1 from jobs j where j.name = 'receipts.register' and j.state in ('queued', 'running')
                           and j.payload = ${activeJobPayload}) as job_active
          from receipts r where r.id = ${receiptId} for update`,
    );
    if (!r) throw new AppError('not_found');
    if (!isRetryable(r.status, r.job_active)) throw new AppError('receipt_not_retryable');
    const attempt = r.status === 'failed' ? r.attempt + 1 : r.attempt;
    if (r.status === 'failed') {
      await tx.execute(sql`update receipts set status = 'pending', attempt = ${attempt}, uuid = null, payload = null, polls = 0,
                             last_error = null, updated_at = now() where id = ${r.id}`);
    }
    const payload = r.operation === 'sell_refund' ? { refundId: r.refund_id! } : { paymentId: r.payment_id };
    await enqueue(tx, registerReceiptJob, payload, { key: `receipt:${r.id}:retry:${Date.now()}`, maxAttempts: 10 });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: staffId,
      action: 'receipt.retry',
      entity: 'receipt',
      entityId: r.id,
      before: { status: r.status, attempt: r.attempt },
      after: { status: 'pending', attempt },
      ip: ip ?? null,
    });
    return { id: r.id, status: 'pending' as const, attempt };
  });
}
