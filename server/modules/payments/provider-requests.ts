import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { AppDeps } from '../../deps.js';
import { IDEMPOTENCE_KEY_LIFE_MS, type ProviderName } from '../../integrations/acquiring/provider.js';
import { installationIdSql } from '../installation/installation.js';
import { applyProviderStatus } from './apply-provider-status.js';

/**
 * Bookkeeping of our requests to a card provider, so that an answer lost to a timeout, a 5xx or a crash
 * is found again (docs/payments.md, "Provider answers"): when we first and last POSTed for a payment
 * (metadata.requests), the provider's id attached as soon as any answer or lookup shows it, and the
 * payment canceled only when the provider, asked after the idempotence key's life, has no such payment.
 */

/**
 * A new payments row's id and its key at the provider, in SQL: `insert into payments (id, provider_key, …)
 * select n.id, n.key, … from ${newPaymentIdAndKey} n`. The key carries the installation id (decision 0021).
 */
export const newPaymentIdAndKey = sql`(select id, ${installationIdSql} || ':payment:' || id as key
  from (select nextval(pg_get_serial_sequence('payments', 'id')) as id) s)`;

/** The payment's key at its provider (Idempotence-Key; T-Bank derives its OrderId from it). */
export function providerKeyOf(p: { id: number; provider_key: string | null }): string {
  return p.provider_key ?? `payment:${p.id}`; // rows made before installation ids
}

/** A pending payment as the recovery paths read it. */
export interface PendingPaymentRow {
  id: number;
  provider_key: string | null;
  provider: string;
  external_id: string | null;
  amount: number;
  status: string;
  method: string;
  description: string | null;
  idempotency_key: string | null;
  created_at: string | Date;
  metadata: { requests?: { first?: string; last?: string }; methodRef?: string } | null;
}

export const pendingPaymentColumns = sql`id, provider_key, provider, external_id, amount, status, method, description, idempotency_key, created_at, metadata`;

/** Notes a POST about to be sent (before sending: a crash after it still leaves the time behind). */
export async function notePost(db: Db, paymentId: number): Promise<void> {
  await db.execute(
    sql`update payments set metadata = metadata || jsonb_build_object('requests', jsonb_build_object(
          'first', coalesce(metadata->'requests'->>'first', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
          'last', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
        where id = ${paymentId}`,
  );
}

/** When we asked the provider about this payment: first and last POST (or the row's creation). */
export function requestWindow(p: PendingPaymentRow): { first: Date; last: Date } {
  const created = new Date(p.created_at);
  const first = p.metadata?.requests?.first ? new Date(p.metadata.requests.first) : created;
  const last = p.metadata?.requests?.last ? new Date(p.metadata.requests.last) : first;
  return { first, last };
}

/** The provider's id, stored the moment we learn it (never replacing one already there). */
export async function attachExternalId(db: Db, paymentId: number, externalId: string): Promise<void> {
  await db.execute(
    sql`update payments set external_id = ${externalId} where id = ${paymentId} and external_id is null`,
  );
}

/** Cancels a payment that is still pending (the provider refused it, or never had it). */
export async function cancelPendingPayment(db: Db, paymentId: number, reason: string): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`update payments set status = 'canceled', canceled_at = now(),
          metadata = metadata || ${JSON.stringify({ cancelReason: reason.slice(0, 300) })}::jsonb
        where id = ${paymentId} and status = 'pending' returning id`,
  );
  return rows.length > 0;
}

/** Keeps the last provider error on a payment that stays pending (for finance and the logs). */
export async function noteProviderError(db: Db, paymentId: number, error: unknown): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  await db.execute(
    sql`update payments set metadata = metadata || ${JSON.stringify({ lastProviderError: message })}::jsonb where id = ${paymentId}`,
  );
}

/**
 * Settles a pending payment by asking, never by creating: with the provider's id, GET it; without (our
 * POST's answer was lost), look for the provider's payment carrying our id among those created while we
 * asked. Found → attached and applied. Not found once the idempotence key of our last POST has expired
 * (nobody can create it any more) → canceled. Otherwise it stays pending for the next pass.
 * Provider errors propagate (the caller keeps it pending).
 */
export async function resolvePendingPayment(
  db: Db,
  deps: AppDeps,
  p: PendingPaymentRow,
  now = new Date(),
): Promise<'pending' | 'succeeded' | 'canceled'> {
  const provider = deps.acquirers[p.provider as ProviderName];
  if (!provider) return 'pending';
  if (p.external_id) {
    const r = await applyProviderStatus(db, p.id, await provider.getPayment(p.external_id));
    return r.status === 'succeeded' || r.status === 'canceled' ? r.status : 'pending';
  }
  const { first, last } = requestWindow(p);
  const seen = await provider.findPayment({ paymentId: p.id, from: first, to: last, idempotenceKey: providerKeyOf(p) });
  if (seen) {
    await attachExternalId(db, p.id, seen.externalId);
    const r = await applyProviderStatus(db, p.id, seen);
    return r.status === 'succeeded' || r.status === 'canceled' ? r.status : 'pending';
  }
  if (now.getTime() - last.getTime() > IDEMPOTENCE_KEY_LIFE_MS + 3600_000) {
    return (await cancelPendingPayment(db, p.id, 'the provider has no such payment: our request never reached it'))
      ? 'canceled'
      : 'pending';
  }
  return 'pending';
}
