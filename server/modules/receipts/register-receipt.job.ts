import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import { defineJob } from '../../jobs/queue.js';
import { buildAtolReceipt, receiptUrl } from './build-atol-receipt.js';

/**
 * Registers the receipt of one payment with ATOL and waits for the fiscal data. Each step is saved as
 * it completes (uuid after `sell`), so a retry continues where the last attempt stopped and never
 * sells twice; ATOL also deduplicates by external_id = payment id. A pending report throws, and the
 * job queue retries with backoff.
 */
export const registerReceiptJob = defineJob({
  name: 'receipts.register',
  payload: z.object({ paymentId: z.number().int().positive() }),
  maxAttempts: 10,
  async handler({ paymentId }, { db, deps }) {
    const atol = deps.atol;
    if (!atol) throw new Error('ATOL is not configured (ATOL_API_URL, ATOL_LOGIN, ATOL_PASSWORD)');
    const [r] = await queryRows<{
      id: number; status: string; uuid: string | null; total: number; succeeded_at: string; email: string | null; phone: string;
      group_code: string; inn: string; payment_address: string; sno: string; company_email: string;
    }>(
      db,
      sql`select r.id, r.status, r.uuid, r.total, p.succeeded_at, s.email, s.phone,
                 rs.group_code, rs.inn, rs.payment_address, rs.sno, rs.company_email
          from receipts r join payments p on p.id = r.payment_id join accounts a on a.id = p.account_id
          join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
          join receipt_settings rs on rs.region_id = r.region_id
          where r.payment_id = ${paymentId}`,
    );
    if (!r || r.status === 'done') return;
    let uuid = r.uuid;
    try {
      if (!uuid) {
        const doc = buildAtolReceipt({
          paymentId, amount: r.total, succeededAt: new Date(r.succeeded_at), email: r.email, phone: r.phone,
          settings: { inn: r.inn, paymentAddress: r.payment_address, sno: r.sno, companyEmail: r.company_email },
        });
        uuid = await atol.sell(r.group_code, doc);
        await db.execute(sql`update receipts set uuid = ${uuid}, status = 'registered', payload = ${JSON.stringify(doc)}::jsonb,
                               last_error = null, updated_at = now() where id = ${r.id}`);
      }
      const rep = await atol.report(r.group_code, uuid);
      if (rep.status === 'done' && rep.payload) {
        const f = rep.payload;
        const url = receiptUrl({ receiptDatetime: f.receipt_datetime, total: r.total, fn: f.fn_number, fd: String(f.fiscal_document_number), fp: String(f.fiscal_document_attribute) });
        await db.execute(sql`update receipts set status = 'done', fn_number = ${f.fn_number},
                               fiscal_document_number = ${String(f.fiscal_document_number)},
                               fiscal_document_attribute = ${String(f.fiscal_document_attribute)},
                               receipt_datetime = ${f.receipt_datetime}, receipt_url = ${url}, last_error = null, updated_at = now()
                             where id = ${r.id}`);
        return;
      }
      if (rep.status === 'fail') {
        // A refused document has a data error (INN, group, client contact) that retrying cannot fix:
        // it is marked failed with ATOL's reason for finance to look at, and the job ends.
        const reason = `ATOL refused the receipt: ${rep.error?.code ?? ''} ${rep.error?.text ?? ''}`.trim();
        await db.execute(sql`update receipts set status = 'failed', last_error = ${reason.slice(0, 500)}, updated_at = now() where id = ${r.id}`);
        return;
      }
      throw new Error('ATOL report not ready yet');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await db.execute(sql`update receipts set last_error = ${message.slice(0, 500)}, updated_at = now() where id = ${r.id}`);
      throw e;
    }
  },
});
