import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { queryRows } from '../../db/client.js';
import { defineJob } from '../../jobs/queue.js';
import { receiptAttempts } from '../../metrics/metrics.js';
import { buildAtolReceipt, receiptUrl } from './build-atol-receipt.js';

const NOT_READY = 'ATOL report not ready yet';

/** ATOL's external_id of a receipt's document: the base id, suffixed from the second attempt on. */
export function externalId(base: string, attempt: number): string {
  return attempt > 1 ? `${base}-${attempt}` : base;
}

/**
 * Registers one receipt with ATOL and waits for the fiscal data: the sale of a payment (`paymentId`)
 * or the refund of a card refund (`refundId`). Each step is saved as it completes (uuid after
 * registering), so a retry continues where the last attempt stopped and never registers twice; ATOL
 * also deduplicates by external_id. A pending report throws, and the job queue retries with backoff.
 */
export const registerReceiptJob = defineJob({
  name: 'receipts.register',
  payload: z
    .object({ paymentId: z.number().int().positive().optional(), refundId: z.number().int().positive().optional() })
    .refine((p) => (p.paymentId === undefined) !== (p.refundId === undefined), 'paymentId or refundId'),
  maxAttempts: 10,
  async handler({ paymentId, refundId }, { db, deps }) {
    const atol = deps.atol;
    if (!atol) throw new Error('ATOL is not configured (ATOL_API_URL, ATOL_LOGIN, ATOL_PASSWORD)');
    const which =
      refundId !== undefined
        ? sql`r.refund_id = ${refundId}`
        : sql`r.payment_id = ${paymentId!} and r.operation = 'sell'`;
    const [r] = await queryRows<{
      id: number;
      status: string;
      uuid: string | null;
      total: number;
      operation: 'sell' | 'sell_refund';
      at: string;
      attempt: number;
      email: string | null;
      phone: string;
      group_code: string;
      inn: string;
      payment_address: string;
      sno: string;
      company_email: string;
    }>(
      db,
      sql`select r.id, r.status, r.uuid, r.total, r.operation, r.attempt, coalesce(f.finished_at, p.succeeded_at) as at, s.email, s.phone,
                 rs.group_code, rs.inn, rs.payment_address, rs.sno, rs.company_email
          from receipts r join payments p on p.id = r.payment_id join accounts a on a.id = p.account_id
          join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
          join receipt_settings rs on rs.region_id = r.region_id
          left join payment_refunds f on f.id = r.refund_id
          where ${which}`,
    );
    if (!r || r.status === 'done' || r.status === 'failed') return;
    const refund = r.operation === 'sell_refund';
    let uuid = r.uuid;
    try {
      if (!uuid) {
        const doc = buildAtolReceipt({
          externalId: externalId(refund ? `refund-${refundId}` : String(paymentId), r.attempt),
          amount: r.total,
          succeededAt: new Date(r.at),
          email: r.email,
          phone: r.phone,
          settings: { inn: r.inn, paymentAddress: r.payment_address, sno: r.sno, companyEmail: r.company_email },
        });
        uuid = await atol.register(r.group_code, r.operation, doc);
        await db.execute(sql`update receipts set uuid = ${uuid}, status = 'registered', payload = ${JSON.stringify(doc)}::jsonb,
                               last_error = null, updated_at = now() where id = ${r.id}`);
      }
      const rep = await atol.report(r.group_code, uuid);
      if (rep.status === 'done' && rep.payload) {
        const f = rep.payload;
        const url = receiptUrl({
          receiptDatetime: f.receipt_datetime,
          total: r.total,
          fn: f.fn_number,
          fd: String(f.fiscal_document_number),
          fp: String(f.fiscal_document_attribute),
          refund,
        });
        await db.execute(sql`update receipts set status = 'done', fn_number = ${f.fn_number},
                               fiscal_document_number = ${String(f.fiscal_document_number)},
                               fiscal_document_attribute = ${String(f.fiscal_document_attribute)},
                               receipt_datetime = ${f.receipt_datetime}, receipt_url = ${url}, last_error = null, updated_at = now()
                             where id = ${r.id}`);
        receiptAttempts.inc({ outcome: 'done' });
        return;
      }
      if (rep.status === 'fail') {
        // A refused document has a data error (INN, group, client contact) that retrying cannot fix:
        // it is marked failed with ATOL's reason for finance to look at, and the job ends.
        const reason = `ATOL refused the receipt: ${rep.error?.code ?? ''} ${rep.error?.text ?? ''}`.trim();
        await db.execute(
          sql`update receipts set status = 'failed', last_error = ${reason.slice(0, 500)}, updated_at = now() where id = ${r.id}`,
        );
        receiptAttempts.inc({ outcome: 'failed' });
        return;
      }
      receiptAttempts.inc({ outcome: 'waiting' });
      throw new Error(NOT_READY);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (message !== NOT_READY) receiptAttempts.inc({ outcome: 'error' });
      await db.execute(
        sql`update receipts set last_error = ${message.slice(0, 500)}, updated_at = now() where id = ${r.id}`,
      );
      throw e;
    }
  },
});
