import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { type Db, queryRows } from '../../db/client.js';
import { AtolError } from '../../integrations/atol/atol-client.js';
import { defineJob } from '../../jobs/queue.js';
import { buildAtolReceipt, receiptUrl } from './build-atol-receipt.js';

/** ATOL's external_id of a receipt's document: the base id, suffixed from the second attempt on. */
export function externalId(base: string, attempt: number): string {
  return attempt > 1 ? `${base}-${attempt}` : base;
}

/** A document ATOL dropped unprocessed (report `fail`, error type `timeout`) is issued again this many times. */
export const AUTO_REISSUES = 2;

/**
 * Registers one receipt with ATOL and waits for the fiscal data: the sale of a payment (`paymentId`)
 * or the refund of a card refund (`refundId`). Each step is saved as it completes (uuid after
 * registering), so a retry continues where the last attempt stopped and never registers twice; ATOL
 * also deduplicates by external_id. Only what ATOL says is retryable is retried (atol-client.ts): a
 * pending report or a passing fault throws and the queue retries with backoff; a document that timed
 * out in ATOL's queue is issued again under the next external_id (up to AUTO_REISSUES times); a refused
 * document or a configuration error marks the receipt failed with ATOL's reason, for finance.
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
      vat: string | null;
      account: string;
    }>(
      db,
      sql`select r.id, r.status, r.uuid, r.total, r.operation, r.attempt, coalesce(f.finished_at, p.succeeded_at) as at, s.email, s.phone,
                 rs.group_code, rs.inn, rs.payment_address, rs.sno, rs.vat, rs.company_email, a.number as account
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
          account: r.account,
          email: r.email,
          phone: r.phone,
          settings: {
            inn: r.inn,
            paymentAddress: r.payment_address,
            sno: r.sno,
            vat: r.vat,
            companyEmail: r.company_email,
          },
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
        return;
      }
      if (rep.status === 'fail') {
        const why = `${rep.error?.code ?? ''} ${rep.error?.text ?? ''}`.trim();
        if (rep.error?.type === 'timeout' && r.attempt <= AUTO_REISSUES) {
          // Not processed at all ("превышено время ожидания чека в очереди"): ATOL keeps that external_id,
          // so the same document goes again as the next attempt; the queue runs the job again.
          await db.execute(sql`update receipts set status = 'pending', attempt = attempt + 1, uuid = null, payload = null,
                                 last_error = ${`ATOL dropped it unprocessed (${why}); issued again`.slice(0, 500)}, updated_at = now()
                               where id = ${r.id}`);
          throw new Error(`ATOL: the document timed out in the queue (${why}); issuing it again`);
        }
        // A refused document (a data error: INN, group, client contact) cannot be fixed by retrying:
        // it is marked failed with ATOL's reason for finance to look at, and the job ends.
        await markFailed(db, r.id, `ATOL refused the receipt: ${why}`);
        return;
      }
      throw new Error('ATOL report not ready yet');
    } catch (e) {
      if (e instanceof AtolError && !e.retryable) {
        // A refused document, or settings that are wrong (login, group, protocol): repeating cannot help.
        const what = e.kind === 'config' ? 'ATOL settings are wrong' : 'ATOL refused the receipt';
        await markFailed(db, r.id, `${what}: ${e.message}`);
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      await db.execute(
        sql`update receipts set last_error = ${message.slice(0, 500)}, updated_at = now() where id = ${r.id}`,
      );
      throw e;
    }
  },
});

async function markFailed(db: Db, receiptId: number, reason: string): Promise<void> {
  await db.execute(
    sql`update receipts set status = 'failed', last_error = ${reason.slice(0, 500)}, updated_at = now() where id = ${receiptId}`,
  );
}
