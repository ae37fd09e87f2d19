import { sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { validatePaymentAmount } from '../../../common/payment-amount.js';
import { type Db, queryRows } from '../../db/client.js';
import type { CardRefundStatus } from '../../db/schema/index.js';
import { assertNoTransaction, inTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import {
  IDEMPOTENCE_KEY_LIFE_MS,
  type ProviderName,
  type ProviderRefund,
  ProviderRefusedError,
  REPEAT_WITH_SAME_KEY_MS,
} from '../../integrations/acquiring/provider.js';
import { enqueue } from '../../jobs/queue.js';
import { recordAudit } from '../audit/record-audit.js';
import { installationIdSql } from '../installation/installation.js';
import { lockAccount } from '../ledger/lock-account.js';
import { postEntry } from '../ledger/post-entry.js';
import { OFFLINE_PROVIDERS } from '../receipts/after-payment-succeeded.js';
import { registerReceiptJob } from '../receipts/register-receipt.job.js';
import { availableRubles } from './post-balance-change.js';

export const CARD_PROVIDERS = new Set(['test_acquirer', 'yookassa', 'tbank']);

export interface CardRefundInput {
  paymentId: number;
  amount: number;
  reason: string;
  idempotencyKey: string;
  staffId: number;
  ip?: string | null;
}

export interface CardRefundResult {
  refundId: number;
  status: CardRefundStatus;
  amount: number;
  /** The account balance after this call. */
  balance: number;
  created: boolean;
}

/**
 * Finance returns (part of) a succeeded card payment to the card it came from. In one transaction the
 * refund is recorded and the balance debited — only money still on the balance and not yet refunded
 * can go back; then the provider is asked (idempotence key `<installation>:refund:<id>`). Its answer settles the
 * refund: succeeded (a `sell_refund` receipt follows when the region issues receipts), or refused
 * (the debit is reversed). No answer leaves it pending for the `finance.card-refunds` job, which
 * settles it by its id, the same key while it lives, or a lookup — so a crash or a timeout can neither
 * lose the money nor refund it twice (settleCardRefund).
 */
export async function refundCardPayment(db: Db, deps: AppDeps, input: CardRefundInput): Promise<CardRefundResult> {
  assertNoTransaction(db, 'refundCardPayment: it asks the payment provider between its steps');
  validatePaymentAmount(input.amount);
  const reason = input.reason.trim();
  if (!reason) throw new AppError('reason_required');
  const key = input.idempotencyKey.trim();
  if (!key || key.length > 200) throw new AppError('validation_failed', { details: 'idempotencyKey' });

  const requested = await inTransaction(db, async (tx) => {
    const [p] = await queryRows<{
      id: number;
      account_id: number;
      amount: number;
      status: string;
      provider: string;
      balance: number;
      time_zone: string;
      refunded: number;
    }>(
      tx,
      sql`select p.id, p.account_id, p.amount, p.status, p.provider, a.balance, r.time_zone,
                 (select coalesce(sum(f.amount), 0)::int8 from payment_refunds f where f.payment_id = p.id and f.status <> 'failed') as refunded
          from payments p join accounts a on a.id = p.account_id join regions r on r.id = a.region_id
          where p.id = ${input.paymentId} for no key update of a, p`,
    );
    if (!p) throw new AppError('payment_not_found');
    const [prev] = await queryRows<{ id: number; payment_id: number; amount: number; status: CardRefundStatus }>(
      tx,
      sql`select id, payment_id, amount, status from payment_refunds where idempotency_key = ${key}`,
    );
    if (prev) {
      if (prev.payment_id !== p.id || prev.amount !== input.amount) throw new AppError('idempotency_conflict');
      return { refundId: prev.id, status: prev.status, amount: prev.amount, balance: p.balance, created: false };
    }
    if (p.status !== 'succeeded' || !CARD_PROVIDERS.has(p.provider)) throw new AppError('payment_not_refundable');
    if (input.amount > p.amount - p.refunded)
      throw new AppError('refund_exceeds_payment', { available: availableRubles(p.amount - p.refunded) });
    if (input.amount > Math.max(0, p.balance))
      throw new AppError('refund_exceeds_balance', { available: availableRubles(p.balance) });

    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into payment_refunds (id, provider_key, payment_id, amount, reason, idempotency_key, staff_id)
          select n.id, ${installationIdSql} || ':refund:' || n.id, ${p.id}, ${input.amount}, ${reason}, ${key}, ${input.staffId}
          from (select nextval(pg_get_serial_sequence('payment_refunds', 'id')) as id) n returning id`,
    );
    const posted = await postEntry(tx, {
      accountId: p.account_id,
      kind: 'refund',
      amount: -input.amount,
      effectiveOn: todayIn(p.time_zone),
      source: `staff:${input.staffId}`,
      comment: `card refund of payment ${p.id}: ${reason}`,
      idempotencyKey: `card-refund:${row!.id}`,
    });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: input.staffId,
      action: 'payment.refund_requested',
      entity: 'payment',
      entityId: p.id,
      before: { balance: p.balance, refunded: p.refunded },
      after: { refundId: row!.id, amount: input.amount, reason, balance: posted.balance },
      ip: input.ip ?? null,
    });
    return {
      refundId: row!.id,
      status: 'pending' as CardRefundStatus,
      amount: input.amount,
      balance: posted.balance,
      created: true,
    };
  });
  if (requested.status !== 'pending') return requested;
  const settled = await settleCardRefund(db, deps, requested.refundId);
  return { ...requested, status: settled.status, balance: settled.balance ?? requested.balance };
}

/**
 * Settles a pending refund from the provider's answers (docs/finance.md, "Card refunds"):
 * - its id known → GET the refund;
 * - no id, our Idempotence-Key `refund:<id>` still alive (23 h from the first POST) → POST the same
 *   refund again: the first time it refunds, a repeat only replays the answer; the id is stored at once;
 * - no id and the key too old → never POSTed again (a second refund would be possible): look it up
 *   among the payment's refunds by our refund id; none a day after our last POST → it never happened.
 * A refusal — `canceled`, a 4xx to the POST, or "never happened" — fails it and gives the money back
 * through the ledger. An undecided answer (5xx, timeout, 202, `pending`) leaves it pending with the
 * error noted, for the `finance.card-refunds` job.
 */
export async function settleCardRefund(
  db: Db,
  deps: AppDeps,
  refundId: number,
  now = new Date(),
): Promise<{ status: CardRefundStatus; balance?: number }> {
  assertNoTransaction(db, 'settleCardRefund: it asks the payment provider before it settles');
  const [f] = await queryRows<{
    id: number;
    status: CardRefundStatus;
    amount: number;
    provider: string;
    payment_external_id: string;
    external_id: string | null;
    provider_key: string | null;
    first_requested_at: string | Date | null;
    last_requested_at: string | Date | null;
    account_id: number;
  }>(
    db,
    sql`select f.id, f.status, f.amount, f.external_id, f.provider_key, f.first_requested_at, f.last_requested_at,
               p.provider, p.external_id as payment_external_id, p.account_id
        from payment_refunds f join payments p on p.id = f.payment_id where f.id = ${refundId}`,
  );
  if (!f) throw new AppError('payment_not_found');
  if (f.status !== 'pending') return { status: f.status };
  const provider = deps.acquirers[f.provider as ProviderName];
  const noteError = async (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    await db.execute(sql`update payment_refunds set last_error = ${message.slice(0, 500)} where id = ${f.id}`);
  };
  let answer: ProviderRefund | null = null;
  let refusal: string | null = null;
  try {
    if (!provider) throw new Error(`provider ${f.provider} is not configured`);
    const first = f.first_requested_at ? new Date(f.first_requested_at) : null;
    if (f.external_id) answer = await provider.getRefund(f.external_id);
    else if (!first || now.getTime() - first.getTime() < REPEAT_WITH_SAME_KEY_MS) {
      await db.execute(sql`update payment_refunds set first_requested_at = coalesce(first_requested_at, now()),
                             last_requested_at = now() where id = ${f.id}`);
      try {
        answer = await provider.refund({
          externalId: f.payment_external_id,
          amount: f.amount,
          idempotenceKey: f.provider_key ?? `refund:${f.id}`, // older rows: the key they were sent with
          refundId: f.id,
        });
      } catch (e) {
        if (!(e instanceof ProviderRefusedError)) throw e;
        refusal = `refused by the provider: ${e.message}`;
      }
    } else {
      answer = await provider.findRefund({
        paymentExternalId: f.payment_external_id,
        refundId: f.id,
        createdAt: first,
        amount: f.amount,
        idempotenceKey: f.provider_key ?? `refund:${f.id}`,
      });
      const last = new Date(f.last_requested_at ?? first);
      if (!answer && now.getTime() - last.getTime() > IDEMPOTENCE_KEY_LIFE_MS) {
        refusal = 'the provider has no such refund: our request never reached it';
      }
    }
  } catch (e) {
    await noteError(e);
    return { status: 'pending' };
  }
  if (answer) {
    await db.execute(
      sql`update payment_refunds set external_id = ${answer.externalId} where id = ${f.id} and external_id is null`,
    );
    if (answer.status === 'pending') {
      await db.execute(sql`update payment_refunds set last_error = null where id = ${f.id}`);
      return { status: 'pending' };
    }
    if (answer.status === 'canceled')
      refusal = `declined by the provider${answer.cancelReason ? ` (${answer.cancelReason})` : ''}`;
  } else if (!refusal) return { status: 'pending' };
  return finishCardRefund(db, { id: f.id, amount: f.amount, provider: f.provider, accountId: f.account_id }, refusal);
}

/**
 * Records the provider's final word: succeeded (a sell_refund receipt follows where receipts are on),
 * or refused — the refund fails and its debit is reversed by the ledger (`card-refund-reversal:<id>`),
 * unblocking the account if that covers its debt. Once: only while the refund is still pending.
 */
async function finishCardRefund(
  db: Db,
  f: { id: number; amount: number; provider: string; accountId: number },
  refusal: string | null,
): Promise<{ status: CardRefundStatus; balance?: number }> {
  const ok = refusal === null;
  return inTransaction(db, async (tx) => {
    await lockAccount(tx, f.accountId); // the account row first (lock order, docs/billing.md)
    const [r] = await queryRows<{
      payment_id: number;
      account_id: number;
      region_id: number;
      time_zone: string;
      receipts: boolean | null;
    }>(
      tx,
      sql`update payment_refunds f set status = ${ok ? 'succeeded' : 'failed'}, finished_at = now(),
            last_error = ${refusal?.slice(0, 500) ?? null}
          from payments p join accounts a on a.id = p.account_id join regions r on r.id = a.region_id
            left join receipt_settings rs on rs.region_id = a.region_id
          where f.id = ${f.id} and f.status = 'pending' and p.id = f.payment_id
          returning f.payment_id, p.account_id, a.region_id, r.time_zone, rs.enabled as receipts`,
    );
    if (!r) {
      const [now] = await queryRows<{ status: CardRefundStatus }>(
        tx,
        sql`select status from payment_refunds where id = ${f.id}`,
      );
      return { status: now!.status }; // settled by someone else meanwhile
    }
    if (ok) {
      if (r.receipts && !OFFLINE_PROVIDERS.has(f.provider)) {
        await tx.execute(sql`insert into receipts (payment_id, region_id, total, operation, refund_id, external_id)
                             values (${r.payment_id}, ${r.region_id}, ${f.amount}, 'sell_refund', ${f.id},
                                     ${installationIdSql} || '-refund-' || ${String(f.id)}) on conflict do nothing`);
        await enqueue(tx, registerReceiptJob, { refundId: f.id }, { key: `receipt:refund:${f.id}`, maxAttempts: 10 });
      }
      await recordAudit(tx, {
        actorType: 'provider',
        actorId: f.provider,
        action: 'payment.refunded',
        entity: 'payment',
        entityId: r.payment_id,
        after: { refundId: f.id, amount: f.amount },
      });
      return { status: 'succeeded' as const };
    }
    // Refused: the money comes back to the balance, and service with it if that covers the debt.
    const back = await postEntry(tx, {
      accountId: r.account_id,
      kind: 'refund',
      amount: f.amount,
      effectiveOn: todayIn(r.time_zone),
      source: `provider:${f.provider}`,
      comment: `card refund ${f.id} failed (${refusal}): reversed`.slice(0, 500),
      idempotencyKey: `card-refund-reversal:${f.id}`,
      notice: 'refund_reversed', // "the refund did not go through", not "payment credited"
    });
    await recordAudit(tx, {
      actorType: 'provider',
      actorId: f.provider,
      action: 'payment.refund_declined',
      entity: 'payment',
      entityId: r.payment_id,
      after: { refundId: f.id, amount: f.amount, balance: back.balance, reason: refusal },
    });
    return { status: 'failed' as const, balance: back.balance };
  });
}

/** A provider's notification about refund X (YooKassa `refund.*`): X is ours → settle it by asking. */
export async function settleCardRefundByExternalId(db: Db, deps: AppDeps, provider: string, externalId: string) {
  const [f] = await queryRows<{ id: number }>(
    db,
    sql`select f.id from payment_refunds f join payments p on p.id = f.payment_id
        where f.external_id = ${externalId} and p.provider = ${provider}`,
  );
  return f ? settleCardRefund(db, deps, f.id) : null;
}

/** The recovery pass (job `finance.card-refunds`): refunds still pending after a minute are asked again. */
export async function settlePendingCardRefunds(db: Db, deps: AppDeps): Promise<{ checked: number; settled: number }> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`select id from payment_refunds where status = 'pending' and created_at < now() - interval '1 minute' order by id limit 200`,
  );
  let settled = 0;
  for (const r of rows) if ((await settleCardRefund(db, deps, r.id)).status !== 'pending') settled++;
  return { checked: rows.length, settled };
}
