import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { kopecksToDecimal, parseDecimalAmount } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';
import { AtolError } from '../../integrations/atol/atol-client.js';
import { defineJob, JobDeferred } from '../../jobs/queue.js';
import { receiptAttempts } from '../../metrics/metrics.js';
import { buildAtolReceipt, receiptUrl } from './build-atol-receipt.js';

const NOT_READY = 'ATOL report not ready yet';

/** ATOL's external_id of a receipt's document: the base id, suffixed from the second attempt on. */
export function externalId(base: string, attempt: number): string {
  return attempt > 1 ? `${base}-${attempt}` : base;
}

/** A document ATOL dropped unprocessed (report `fail`, error type `timeout`) is issued again this many times. */
export const AUTO_REISSUES = 2;

/**
 * When the report is asked again while ATOL is still processing the document: its own schedule, not
 * the queue's attempts (a receipt is never given up on because ATOL was slow). After the last step,
 * every 10 minutes; past POLL_FOR_MS the job fails like any error and shows among dead jobs.
 */
export const POLL_SCHEDULE_S = [2, 5, 10, 30, 60, 120, 300, 600];
export const POLL_FOR_MS = 24 * 3600_000;
export const pollDelayMs = (polls: number) => POLL_SCHEDULE_S[Math.min(polls, POLL_SCHEDULE_S.length - 1)]! * 1000;

/**
 * Registers one receipt with ATOL and waits for the fiscal data: the sale of a payment (`paymentId`)
 * or the refund of a card refund (`refundId`). Each step is saved as it completes (uuid after
 * registering), so a retry continues where the last attempt stopped and never registers twice; ATOL
 * also deduplicates by external_id (error 33 with the first document's uuid). That uuid is adopted only
 * when its report shows our document (external_id, group, total): another installation's or a restored
 * copy's document under the same id is never taken for ours — ours is issued again under the next id.
 * While ATOL processes the document the report is polled on its own schedule (POLL_SCHEDULE_S), which
 * does not use the job's attempts. Only what ATOL says is retryable is retried (atol-client.ts): a
 * passing fault throws and the queue retries with backoff; a document that timed out in ATOL's queue is
 * issued again under the next external_id (up to AUTO_REISSUES times); a refused document or a
 * configuration error marks the receipt failed with ATOL's reason, for finance.
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
      external_id: string | null;
      polls: number;
      created_at: string | Date;
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
      sql`select r.id, r.status, r.uuid, r.external_id, r.polls, r.created_at, r.total, r.operation, r.attempt, coalesce(f.finished_at, p.succeeded_at) as at, s.email, s.phone,
                 rs.group_code, rs.inn, rs.payment_address, rs.sno, rs.vat, rs.company_email, a.number as account
          from receipts r join payments p on p.id = r.payment_id join accounts a on a.id = p.account_id
          join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
          join receipt_settings rs on rs.region_id = r.region_id
          left join payment_refunds f on f.id = r.refund_id
          where ${which}`,
    );
    if (!r || r.status === 'done' || r.status === 'failed') return;
    const refund = r.operation === 'sell_refund';
    // Rows made before installation ids keep the bare id they may already have been sent with.
    const base = r.external_id ?? (refund ? `refund-${refundId}` : String(paymentId));
    const ours = externalId(base, r.attempt);
    let uuid = r.uuid;
    try {
      if (!uuid) {
        const doc = buildAtolReceipt({
          externalId: ours,
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
        const registered = await atol.register(r.group_code, r.operation, doc);
        uuid = registered.uuid;
        await db.execute(sql`update receipts set uuid = ${uuid}, status = 'registered', payload = ${JSON.stringify(doc)}::jsonb,
                               last_error = ${registered.duplicate ? 'ATOL already had this external_id (error 33): adopted only if its report shows this document' : null},
                               updated_at = now() where id = ${r.id}`);
      }
      const rep = await atol.report(r.group_code, uuid);
      const mismatch = notOurs(rep, { externalId: ours, groupCode: r.group_code, total: r.total });
      if (mismatch && r.attempt >= AUTO_REISSUES + 3) {
        await markFailed(db, r.id, `ATOL keeps other documents under this receipt's external_ids: ${mismatch}`);
        return;
      }
      if (mismatch) {
        // Another document under our external_id (a second installation on this group, a restored copy
        // that reused the id): not ours. Ours goes again under the next external_id, at once.
        await db.execute(sql`update receipts set status = 'pending', attempt = attempt + 1, uuid = null, payload = null, polls = 0,
                               last_error = ${`ATOL's document ${uuid} under ${ours} is not this receipt (${mismatch}); issued again as ${externalId(base, r.attempt + 1)}`.slice(0, 500)},
                               updated_at = now() where id = ${r.id}`);
        receiptAttempts.inc({ outcome: 'error' });
        throw new JobDeferred(
          0,
          `ATOL: external_id ${ours} belongs to another document (${mismatch}); issuing ours again`,
        );
      }
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
        const why = `${rep.error?.code ?? ''} ${rep.error?.text ?? ''}`.trim();
        if (rep.error?.type === 'timeout' && r.attempt <= AUTO_REISSUES) {
          // Not processed at all ("превышено время ожидания чека в очереди"): ATOL keeps that external_id,
          // so the same document goes again as the next attempt; the queue runs the job again.
          await db.execute(sql`update receipts set status = 'pending', attempt = attempt + 1, uuid = null, payload = null, polls = 0,
                                 last_error = ${`ATOL dropped it unprocessed (${why}); issued again`.slice(0, 500)}, updated_at = now()
                               where id = ${r.id}`);
          throw new Error(`ATOL: the document timed out in the queue (${why}); issuing it again`);
        }
        // A refused document (a data error: INN, group, client contact) cannot be fixed by retrying:
        // it is marked failed with ATOL's reason for finance to look at, and the job ends.
        await markFailed(db, r.id, `ATOL refused the receipt: ${why}`);
        receiptAttempts.inc({ outcome: 'failed' });
        return;
      }
      // Still processing: poll again on the poll schedule, without using an attempt.
      receiptAttempts.inc({ outcome: 'waiting' });
      if (Date.now() - new Date(r.created_at).getTime() > POLL_FOR_MS)
        throw new Error(`${NOT_READY} after ${POLL_FOR_MS / 3600_000} h`);
      await db.execute(sql`update receipts set polls = polls + 1, updated_at = now() where id = ${r.id}`);
      throw new JobDeferred(pollDelayMs(r.polls), NOT_READY);
    } catch (e) {
      if (e instanceof JobDeferred) throw e;
      if (e instanceof AtolError && !e.retryable) {
        // A refused document, or settings that are wrong (login, group, protocol): repeating cannot help.
        const what = e.kind === 'config' ? 'ATOL settings are wrong' : 'ATOL refused the receipt';
        await markFailed(db, r.id, `${what}: ${e.message}`);
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      if (!message.startsWith(NOT_READY)) receiptAttempts.inc({ outcome: 'error' });
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

/**
 * Why ATOL's document is not this receipt, or null when it is (or nothing can be told yet). ATOL's
 * report names the document's external_id and group and, once fiscalised, its total.
 */
function notOurs(
  rep: { external_id?: string; group_code?: string; status: string; payload: { total: number } | null },
  ours: { externalId: string; groupCode: string; total: number },
): string | null {
  if (rep.external_id !== undefined && rep.external_id !== ours.externalId)
    return `external_id ${rep.external_id}, ours ${ours.externalId}`;
  if (rep.group_code !== undefined && rep.group_code !== ours.groupCode)
    return `group ${rep.group_code}, ours ${ours.groupCode}`;
  if (rep.status === 'done' && rep.payload) {
    const total = parseDecimalAmount(String(rep.payload.total));
    if (total !== ours.total) return `total ${rep.payload.total}, ours ${kopecksToDecimal(ours.total)}`;
  }
  return null;
}
