import { type SQL, sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { enqueueStatement } from '../../jobs/queue.js';
import { installationIdSql } from '../installation/installation.js';
import { registerReceiptJob } from './register-receipt.job.js';

/**
 * Payments that came in online get a 54-ФЗ receipt from the region's online cash register.
 * Office cash and bank transfers are excluded: the office cash desk prints its own receipt, and a
 * bank transfer from a legal account needs none from us (see docs/receipts.md).
 */
export const OFFLINE_PROVIDERS = new Set(['office_cash', 'bank_transfer', 'cli', 'staff']);

/**
 * Call inside the transaction that marked the payment succeeded: creates the receipt row and its job
 * (key `receipt:<paymentId>`, so calling it twice is harmless) when the region has receipts enabled
 * and nobody else fiscalises the payment (an agent that issues its own receipts: agents.fiscalizes).
 */
export async function afterPaymentSucceeded(db: Db, paymentId: number): Promise<boolean> {
  const [p] = await queryRows<{
    id: number;
    provider: string;
    amount: number;
    region_id: number;
    enabled: boolean | null;
    agent_fiscalizes: boolean;
  }>(
    db,
    sql`select p.id, p.provider, p.amount, a.region_id, s.enabled, coalesce(ag.fiscalizes, false) as agent_fiscalizes
        from payments p join accounts a on a.id = p.account_id
        left join receipt_settings s on s.region_id = a.region_id
        left join agents ag on p.provider = 'agent:' || ag.code
        where p.id = ${paymentId} and p.status = 'succeeded'`,
  );
  if (!p) return false;
  const writes = receiptWrites({
    id: p.id,
    provider: p.provider,
    amount: p.amount,
    regionId: p.region_id,
    enabled: p.enabled ?? false,
    fiscalizedElsewhere: p.agent_fiscalizes,
  });
  for (const w of writes) await db.execute(w);
  return writes.length > 0;
}

/**
 * The receipt row and its job for a succeeded payment, as statements (none when the region has no
 * receipts, the payment was offline, or its agent fiscalises it). With `forEachRowOf`, they write only
 * if that relation has a row: creditPayment's `credited`, so they fold into the credit's statement.
 * The ATOL external_id is fixed here: `<installation>-<payment id>` (decision 0021).
 */
export function receiptWrites(
  p: {
    id: number;
    provider: string;
    amount: number;
    regionId: number;
    enabled: boolean;
    /** An agent that issues its own 54-ФЗ receipts took the payment (agents.fiscalizes). */
    fiscalizedElsewhere?: boolean;
  },
  forEachRowOf?: SQL,
): SQL[] {
  if (!p.enabled || OFFLINE_PROVIDERS.has(p.provider) || p.fiscalizedElsewhere) return [];
  return [
    sql`insert into receipts (payment_id, region_id, total, external_id)
        select ${p.id}, ${p.regionId}, ${p.amount}, ${installationIdSql} || '-' || ${String(p.id)}
        ${forEachRowOf ? sql`from ${forEachRowOf}` : sql``}
        on conflict (payment_id) where operation = 'sell' do nothing`,
    enqueueStatement(
      registerReceiptJob,
      { paymentId: p.id },
      { key: `receipt:${p.id}`, maxAttempts: 10 },
      forEachRowOf,
    ),
  ];
}

/**
 * receiptWrites for a credit made in one statement (creditLockedRow): the payment comes from the
 * relation `credited` (columns payment_id, provider, amount, region_id, receipts_enabled), so the rows
 * are written only when it has a row and the region issues receipts. Same rows, same keys.
 */
export function receiptWritesFromCredited(credited: SQL): SQL[] {
  const offline = sql.join(
    [...OFFLINE_PROVIDERS].map((p) => sql`${p}`),
    sql`, `,
  );
  const when = sql`c.receipts_enabled and c.provider not in (${offline})`;
  return [
    sql`insert into receipts (payment_id, region_id, total, external_id)
        select c.payment_id, c.region_id, c.amount, ${installationIdSql} || '-' || c.payment_id::text
        from ${credited} c where ${when}
        on conflict (payment_id) where operation = 'sell' do nothing`,
    sql`insert into jobs (name, key, payload, run_at, max_attempts)
        select ${registerReceiptJob.name}, 'receipt:' || c.payment_id, jsonb_build_object('paymentId', c.payment_id), now(), 10
        from ${credited} c where ${when}
        on conflict (key) do nothing`,
  ];
}
