import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction, inTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { availableRubles } from '../finance/post-balance-change.js';
import { type CardRefundResult, refundCardPayment } from '../finance/refund-card-payment.js';
import { closePromisedCredit } from '../ledger/close-promised-credit.js';
import { postEntry } from '../ledger/post-entry.js';
import { setServiceStatus } from '../ledger/set-service-status.js';
import { notify } from '../notifications/notify.js';
import { releaseStaticIps } from '../services/static-ip.js';
import { planCardRefunds, refundableCardPayments, settlementOutcome, settleToDay } from './settlement.js';

export type RefundMethod = 'none' | 'cash' | 'card';

export interface TerminationResult {
  accountId: number;
  terminatedOn: string;
  finalBalance: number;
  refundMethod: RefundMethod;
  refundAmount: number;
  cardRefunds: { paymentId: number; amount: number; status: CardRefundResult['status'] | 'error'; error?: string }[];
  balance: number;
}

const dayWord = (d: string) => d.split('-').reverse().join('.');

/**
 * Staff complete a termination at the office (docs/termination.md). In one transaction, under the
 * account's lock: today is charged if the run has not yet (settled to the day); a debt is refused (take
 * the payment first); every subscription ends today, a static IP goes back to the pool, open suspensions
 * end, a promised payment closes, autopay stops, the booked visit is completed; a cash refund of the
 * remainder is posted; the account and contract are closed, sessions ended, and the network told
 * (`terminated` event). A card refund goes through finance's card-refund path after the commit (never a
 * provider call inside a transaction), split over the newest card payments; calling this again for a
 * terminated account with card refunds finishes any that did not go through (same keys, never twice).
 */
export async function terminateContract(
  db: Db,
  deps: AppDeps,
  opts: { accountId: number; refund: RefundMethod; staffId: number; ip?: string | null; now?: Date },
): Promise<TerminationResult> {
  assertNoTransaction(db, 'terminateContract');
  const closed = await inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    if (a.status === 'terminated') {
      const [prev] = await queryRows<{
        terminated_on: string;
        final_balance: number;
        refund_method: RefundMethod;
        refund_amount: number;
      }>(
        tx,
        sql`select terminated_on, final_balance, refund_method, refund_amount from terminations where account_id = ${a.id}`,
      );
      if (!prev || prev.refund_method !== 'card') throw new AppError('account_terminated');
      return {
        a,
        terminatedOn: prev.terminated_on,
        finalBalance: prev.final_balance,
        method: prev.refund_method,
        amount: prev.refund_amount,
        repeat: true,
      };
    }
    const balance = await settleToDay(tx, a);
    const { debt } = settlementOutcome(balance);
    if (debt > 0) throw new AppError('termination_debt', { amount: availableRubles(debt) });
    const method: RefundMethod = balance === 0 ? 'none' : opts.refund;
    if (balance > 0 && method === 'none')
      throw new AppError('termination_refund_mismatch', { amount: availableRubles(balance) });
    if (method === 'card') {
      const { uncovered } = planCardRefunds(await refundableCardPayments(tx, a.id), balance);
      if (uncovered > 0)
        throw new AppError('termination_card_insufficient', { available: availableRubles(balance - uncovered) });
    }
    const T = a.today;
    await tx.execute(
      sql`update subscriptions set ends_on = case when starts_on > ${T}::date then starts_on - 1 else ${T}::date end,
            pending_tariff_id = null, pending_from = null
          where account_id = ${a.id} and (ends_on is null or ends_on > ${T}::date)`,
    );
    await releaseStaticIps(tx, sql`select id from subscriptions where account_id = ${a.id}`);
    await tx.execute(
      sql`update suspensions set status = 'cancelled' where account_id = ${a.id} and status in ('pending', 'approved')`,
    );
    await tx.execute(
      sql`update suspensions set status = 'finished', ended_on = ${T}::date where account_id = ${a.id} and status = 'active'`,
    );
    await closePromisedCredit(tx, a.id);
    await tx.execute(
      sql`update autopay_settings set enabled = false, disabled_reason = 'terminated', charge_at = null where account_id = ${a.id}`,
    );
    await tx.execute(
      sql`update mobile_requests set status = 'cancelled', updated_at = now() where account_id = ${a.id} and status in ('new', 'in_progress')`,
    );
    const [visit] = await queryRows<{ id: number }>(
      tx,
      sql`update termination_visits set status = 'completed', handled_by = ${opts.staffId}, handled_at = now()
          where account_id = ${a.id} and status = 'booked' returning id`,
    );
    if (method === 'cash') {
      await postEntry(tx, {
        accountId: a.id,
        kind: 'refund',
        amount: -balance,
        effectiveOn: T,
        source: `staff:${opts.staffId}`,
        comment: 'termination:cash',
        idempotencyKey: `termination-refund:${a.id}`,
      });
    }
    await setServiceStatus(tx, { accountId: a.id, change: 'terminate', data: { day: T } });
    await tx.execute(
      sql`update contracts set status = 'terminated', terminated_on = ${T}::date where id = ${a.contractId}`,
    );
    await tx.execute(
      sql`update sessions set revoked_at = now() where contract_id = ${a.contractId} and revoked_at is null`,
    );
    await tx.execute(
      sql`insert into terminations (account_id, terminated_on, final_balance, refund_amount, refund_method, visit_id, staff_id)
          values (${a.id}, ${T}::date, ${balance}, ${method === 'none' ? 0 : balance}, ${method}, ${visit?.id ?? null}, ${opts.staffId})`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: 'contract.terminated',
      entity: 'account',
      entityId: a.id,
      before: { status: a.status, balance },
      after: { terminatedOn: T, refundMethod: method, refundAmount: method === 'none' ? 0 : balance },
      ip: opts.ip ?? null,
    });
    await notify(tx, {
      accountId: a.id,
      template: 'terminated',
      params: { account: a.number, date: dayWord(T) },
      channels: ['email', 'sms'],
    });
    return {
      a,
      terminatedOn: T,
      finalBalance: balance,
      method,
      amount: method === 'none' ? 0 : balance,
      repeat: false,
    };
  });

  const cardRefunds: TerminationResult['cardRefunds'] = [];
  if (closed.method === 'card') {
    // What is still on the balance goes back to the cards; a repeat call continues with the same keys.
    const [{ balance } = { balance: 0 }] = await queryRows<{ balance: number }>(
      db,
      sql`select balance from accounts where id = ${closed.a.id}`,
    );
    const { plan } = planCardRefunds(
      await refundableCardPayments(db, closed.a.id),
      closed.repeat ? balance : closed.amount,
    );
    for (const p of plan) {
      try {
        const r = await refundCardPayment(db, deps, {
          paymentId: p.paymentId,
          amount: p.amount,
          reason: 'Расторжение договора / contract termination',
          idempotencyKey: `termination:${closed.a.id}:${p.paymentId}:${p.amount}`,
          staffId: opts.staffId,
          ip: opts.ip ?? null,
        });
        cardRefunds.push({ paymentId: p.paymentId, amount: p.amount, status: r.status });
      } catch (e) {
        cardRefunds.push({
          paymentId: p.paymentId,
          amount: p.amount,
          status: 'error',
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
  const [{ balance } = { balance: 0 }] = await queryRows<{ balance: number }>(
    db,
    sql`select balance from accounts where id = ${closed.a.id}`,
  );
  return {
    accountId: closed.a.id,
    terminatedOn: closed.terminatedOn,
    finalBalance: closed.finalBalance,
    refundMethod: closed.method,
    refundAmount: closed.amount,
    cardRefunds,
    balance,
  };
}
