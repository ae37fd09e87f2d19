import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { enqueue } from '../../jobs/queue.js';
import { registerReceiptJob } from './register-receipt.job.js';

/**
 * Payments that came in online get a 54-ФЗ receipt from the region's online cash register.
 * Office cash and bank transfers are excluded: the office cash desk prints its own receipt, and a
 * bank transfer from a legal account needs none from us (see docs/receipts.md).
 */
export const OFFLINE_PROVIDERS = new Set(['office_cash', 'bank_transfer', 'cli', 'staff']);

/**
 * Call inside the transaction that marked the payment succeeded: creates the receipt row and its job
 * (key `receipt:<paymentId>`, so calling it twice is harmless) when the region has receipts enabled.
 */
export async function afterPaymentSucceeded(db: Db, paymentId: number): Promise<boolean> {
  const [p] = await queryRows<{ id: number; provider: string; amount: number; region_id: number; enabled: boolean | null }>(
    db,
    sql`select p.id, p.provider, p.amount, a.region_id, s.enabled
        from payments p join accounts a on a.id = p.account_id
        left join receipt_settings s on s.region_id = a.region_id
        where p.id = ${paymentId} and p.status = 'succeeded'`,
  );
  if (!p || !p.enabled || OFFLINE_PROVIDERS.has(p.provider)) return false;
  await db.execute(
    sql`insert into receipts (payment_id, region_id, total) values (${p.id}, ${p.region_id}, ${p.amount})
        on conflict (payment_id) do nothing`,
  );
  await enqueue(db, registerReceiptJob, { paymentId: p.id }, { key: `receipt:${p.id}`, maxAttempts: 10 });
  return true;
}
