import { type SQL, sql } from 'drizzle-orm';

import { isPaymentAmount } from '../../../common/money.js';
import { type Db, queryRows, queryRowsPrepared } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { ProviderPayment } from '../../integrations/acquiring/provider.js';
import { paymentProviderLabel, paymentsTotal } from '../../metrics/metrics.js';
import {
  creditLockedRow,
  creditPayment,
  creditPaymentIfUnchanged,
  type CreditPaymentInput,
  type CreditSnapshot,
  creditSnapshotColumns,
  snapshotUnchanged,
} from '../ledger/credit-payment.js';
import { receiptWrites, receiptWritesFromCredited } from '../receipts/after-payment-succeeded.js';

export interface ApplyResult {
  paymentId: number;
  status: string;
  /** True only for the one call that moved the payment to succeeded and credited it. */
  credited: boolean;
}

/** Which payment: our id, or the provider's name and its id for it (what a notification carries). */
export type PaymentRef = number | { provider: string; externalId: string };

type PaymentView = CreditSnapshot & {
  id: number;
  amount: number;
  status: string;
  provider: string;
  method: string;
  external_id: string | null;
  today: string;
  save_method: boolean;
  region_id: number;
  receipts_enabled: boolean;
};

/** Optimistic attempts before taking the locks up front (only a very busy account gets that far). */
const ATTEMPTS = 3;

/**
 * The payment state machine: pending → succeeded | canceled, nothing else. The provider's view
 * (always fetched from the provider, never taken from a notification body) is applied; the credit
 * (idempotency key `payment:<id>`) and the status change are one atomic write that happens only while
 * the payment is still pending — so any number of notifications, in any order, at once, credit
 * exactly once.
 *
 * Common path, one round trip: a 'succeeded' for a pending payment, for the amount asked, is found,
 * locked, checked and credited in one statement (creditInOneStatement). What that does not cover (a
 * cancel, a bonus, a terminated account, a race lost) is read and decided: read the payment and its
 * account, then one statement that locks both, checks nothing changed since the read, credits, marks
 * the payment succeeded and adds its receipt and saved card (creditPaymentIfUnchanged). When something
 * did change, read again; a payment raced too often takes the locks first in a transaction instead.
 * See docs/payments.md, "Benchmark".
 */
export async function applyProviderStatus(db: Db, ref: PaymentRef, seen: ProviderPayment): Promise<ApplyResult> {
  if (seen.status === 'succeeded' && isPaymentAmount(seen.amount)) {
    const credited = await creditInOneStatement(db, ref, seen);
    if (credited) {
      paymentsTotal.inc({ provider: paymentProviderLabel(credited.provider), outcome: 'credited' });
      return { paymentId: credited.payment_id, status: 'succeeded', credited: true };
    }
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [p] = await queryRowsPrepared<PaymentView>(db, readPayment(ref, false));
    const decided = decide(p, ref, seen);
    if (decided !== 'credit') {
      if (decided !== 'cancel') return decided;
      if (await cancel(db, p!, seen))
        return counted(p!, { paymentId: p!.id, status: 'canceled', credited: false }, seen);
      continue; // it stopped being pending meanwhile: look again
    }
    const guard = sql`select 1 from payments p join accounts a on a.id = p.account_id
                      where p.id = ${p!.id} and p.status = 'pending' and ${snapshotUnchanged(p!, sql`${p!.today}::date`)}
                      for no key update of a, p`;
    const credited = await creditPaymentIfUnchanged(db, creditInput(p!, seen), p!, guard);
    if (credited !== 'changed') return counted(p!, { paymentId: p!.id, status: 'succeeded', credited: true }, seen);
  }
  return inTransaction(db, async (tx) => {
    const [p] = await queryRowsPrepared<PaymentView>(tx, readPayment(ref, true));
    const decided = decide(p, ref, seen);
    if (decided === 'cancel') {
      if (await cancel(tx, p!, seen))
        return counted(p!, { paymentId: p!.id, status: 'canceled', credited: false }, seen);
      return { paymentId: p!.id, status: 'canceled', credited: false };
    }
    if (decided !== 'credit') return decided;
    const credited = await creditPayment(tx, creditInput(p!, seen), p);
    if (!credited.created) throw new Error(`payment ${p!.id} was pending but its credit already existed`);
    return counted(p!, { paymentId: p!.id, status: 'succeeded', credited: true }, seen);
  });
}

/**
 * The common case in one round trip: a pending payment the provider says succeeded, for the amount we
 * asked, is found, locked (its account first) and credited in one statement (creditLockedRow). No row
 * means it was not that simple — not pending any more, another amount, a bonus to work out, a
 * terminated account, a key used before — and nothing was written: the caller reads and decides.
 */
async function creditInOneStatement(db: Db, ref: PaymentRef, seen: ProviderPayment) {
  const saved = seen.savedMethod;
  const values = {
    ...(typeof ref === 'number' ? { paymentId: ref } : { provider: ref.provider, externalId: ref.externalId }),
    seenExternalId: seen.externalId,
    seenAmount: seen.amount,
    ...(saved ? { savedRef: saved.ref, savedTitle: saved.title } : {}),
  };
  const variant = (typeof ref === 'number' ? 1 : 0) + (saved ? 2 : 0);
  return oneStatementCredits[variant]!(db, values);
}

/** The one-statement credit in its four variants: by our id or the provider's, with or without a card to save. */
const oneStatementCredits = [0, 1, 2, 3].map((variant) =>
  creditLockedRow<{ payment_id: number; provider: string }>(() => {
    const where =
      variant & 1
        ? sql`p.id = ${sql.placeholder('paymentId')}`
        : sql`p.provider = ${sql.placeholder('provider')} and p.external_id = ${sql.placeholder('externalId')}`;
    return {
      target: sql`select a.id as account_id, p.amount, 'payment:' || p.id as idempotency_key,
          'provider:' || p.provider as source, ${commentSql} || ' ' || p.external_id as comment,
          (now() at time zone r.time_zone)::date as effective_on,
          a.balance, a.status as account_status, a.promised_credit,
          p.id as payment_id, p.provider, a.region_id, coalesce(rs.enabled, false) as receipts_enabled,
          coalesce((p.metadata->>'saveMethod')::boolean, false) as save_method
        from payments p join accounts a on a.id = p.account_id join regions r on r.id = a.region_id
        left join receipt_settings rs on rs.region_id = a.region_id
        where ${where} and p.status = 'pending' and p.external_id = ${sql.placeholder('seenExternalId')}
          and p.amount = ${sql.placeholder('seenAmount')}
        for no key update of a, p`,
      alongside: (credited) => [
        sql`update payments set status = 'succeeded', succeeded_at = now(), ledger_entry_id = c.entry_id,
              metadata = metadata || jsonb_build_object('bonus', c.bonus) from ${credited} c where payments.id = c.payment_id`,
        ...receiptWritesFromCredited(credited),
        ...(variant & 2
          ? [
              sql`insert into saved_payment_methods (account_id, provider, method_ref, title)
                  select c.account_id, c.provider, ${sql.placeholder('savedRef')}, ${sql.placeholder('savedTitle')}
                  from ${credited} c where c.save_method
                  on conflict (provider, method_ref) do nothing`,
            ]
          : []),
      ],
      returning: sql`c.payment_id, c.provider`,
    };
  }),
);

/** How the statement names the payment (cabinet/describe-entries.ts): as creditInput's comment. */
const commentSql = sql`case p.method when 'sbp' then 'sbp payment' when 'autopay' then 'autopay' else 'card payment' end`;

/**
 * Counts a decided payment for the metrics (GET /metrics): credited; canceled — the provider canceled it
 * (the payer closed or abandoned the card form, the bank declined): the payer's outcome, not a fault;
 * failed — Abonent refused what the provider reported (an amount that differs from the one asked).
 */
function counted(p: PaymentView, r: ApplyResult, seen: ProviderPayment): ApplyResult {
  const outcome = r.credited ? 'credited' : seen.status === 'canceled' ? 'canceled' : 'failed';
  paymentsTotal.inc({ provider: paymentProviderLabel(p.provider), outcome });
  return r;
}

/**
 * The payment, its account and what a credit needs, in one query; `lock` takes both rows, the account
 * first (the lock order of docs/billing.md: PostgreSQL locks in the order the FOR clause names them).
 */
function readPayment(ref: PaymentRef, lock: boolean): SQL {
  const where =
    typeof ref === 'number'
      ? sql`p.id = ${ref}`
      : sql`p.provider = ${ref.provider} and p.external_id = ${ref.externalId}`;
  return sql`select p.id, p.amount, p.status, p.provider, p.method, p.external_id, a.region_id,
                 coalesce((p.metadata->>'saveMethod')::boolean, false) as save_method,
                 coalesce(rs.enabled, false) as receipts_enabled,
                 (now() at time zone r.time_zone)::date::text as today,
                 ${creditSnapshotColumns(sql`(now() at time zone r.time_zone)::date`)}
          from payments p join accounts a on a.id = p.account_id join regions r on r.id = a.region_id
          left join receipt_settings rs on rs.region_id = a.region_id
          where ${where} ${lock ? sql`for no key update of a, p` : sql``}`;
}

/** What the provider's view means for our payment: nothing to do (the answer), cancel, or credit. */
function decide(p: PaymentView | undefined, ref: PaymentRef, seen: ProviderPayment): ApplyResult | 'cancel' | 'credit' {
  if (!p) return { paymentId: typeof ref === 'number' ? ref : 0, status: 'missing', credited: false };
  if (p.status !== 'pending' || seen.status === 'pending' || seen.externalId !== p.external_id) {
    return { paymentId: p.id, status: p.status, credited: false };
  }
  // A provider amount that differs from what we asked is never credited; it is left for finance.
  if (seen.status === 'canceled' || seen.amount !== p.amount) return 'cancel';
  return 'credit';
}

/** Cancels a still-pending payment, keeping why (and the decline reason); false when it was no longer pending. */
async function cancel(db: Db, p: PaymentView, seen: ProviderPayment): Promise<boolean> {
  const reason =
    seen.status === 'canceled'
      ? `canceled by provider${seen.cancelReason ? ` (${seen.cancelReason})` : ''}`
      : `amount mismatch: ${seen.amount}`;
  const decline = seen.status === 'canceled' ? (seen.declineReason ?? null) : null;
  const rows = await queryRows(
    db,
    sql`update payments set status = 'canceled', canceled_at = now(),
          metadata = metadata || ${JSON.stringify({ cancelReason: reason.slice(0, 300), declineReason: decline })}::jsonb
        where id = ${p.id} and status = 'pending' returning id`,
  );
  return rows.length > 0;
}

/** The credit of a card payment, with the writes that go with it in the same statement. */
function creditInput(p: PaymentView, seen: ProviderPayment): CreditPaymentInput {
  const saved = p.save_method ? seen.savedMethod : null;
  return {
    accountId: p.account_id,
    amount: p.amount,
    idempotencyKey: `payment:${p.id}`,
    source: `provider:${p.provider}`,
    effectiveOn: p.today,
    // The statement names how it was paid (cabinet/describe-entries.ts).
    comment: `${p.method === 'sbp' ? 'sbp payment' : p.method === 'autopay' ? 'autopay' : 'card payment'} ${p.external_id}`,
    alongside: (c) => [
      sql`update payments set status = 'succeeded', succeeded_at = now(), ledger_entry_id = c.entry_id,
            metadata = metadata || jsonb_build_object('bonus', c.bonus) from ${c} c where payments.id = ${p.id}`,
      ...receiptWrites(
        { id: p.id, provider: p.provider, amount: p.amount, regionId: p.region_id, enabled: p.receipts_enabled },
        c,
      ),
      ...(saved
        ? [
            sql`insert into saved_payment_methods (account_id, provider, method_ref, title)
               select ${p.account_id}, ${p.provider}, ${saved.ref}, ${saved.title} from ${c}
               on conflict (provider, method_ref) do nothing`,
          ]
        : []),
    ],
  };
}
