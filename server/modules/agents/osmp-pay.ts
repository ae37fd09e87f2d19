import { sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { creditPayment, lockForCredit } from '../ledger/credit-payment.js';
import { afterPaymentSucceeded } from '../receipts/after-payment-succeeded.js';
import type { Agent } from './authenticate-agent.js';
import { OSMP, type OsmpAnswer, parseOsmpSum, parseTxnDate } from './osmp-protocol.js';
import { isAnswer, type OsmpQuery, validateOsmpRequest } from './validate-osmp-request.js';

/**
 * `pay`: records the payment and credits it in one transaction, idempotent by
 * `agent:<code>:<txn_id>`. The payments row is inserted first with ON CONFLICT DO NOTHING on that key,
 * so a concurrent repeat waits on the unique index and then finds the first row: it answers the same
 * prv_txn (the payment id) and credits nothing. A repeat with another account or sum answers 300.
 */
export async function osmpPay(db: Db, agent: Agent, q: OsmpQuery, now = new Date()): Promise<OsmpAnswer> {
  const txnDate = parseTxnDate(q.txn_date);
  if (!txnDate) return { txnId: q.txn_id ?? null, result: OSMP.other, comment: 'bad txn_date' };
  const key = `agent:${agent.code}:${q.txn_id ?? ''}`;
  // A repeat of a completed pay answers from the first result even if the account has changed since.
  const repeat = await findPrevious(db, key);
  if (repeat) return repeatAnswer(repeat, q);
  const v = await validateOsmpRequest(db, agent, q);
  if (isAnswer(v)) return v;
  try {
    const paymentId = await db.transaction(async (tx) => {
      // The account row first (lock order, docs/billing.md), then the payment row that references it.
      const effectiveOn = todayIn(v.account.time_zone, now);
      const locked = await lockForCredit(tx, { accountId: v.account.id }, effectiveOn);
      const inserted = await queryRows<{ id: number }>(
        tx,
        sql`insert into payments (account_id, provider, external_id, idempotency_key, amount, status, method, metadata, succeeded_at)
            values (${v.account.id}, ${`agent:${agent.code}`}, ${v.txnId}, ${key}, ${v.amount}, 'succeeded', 'terminal',
                    ${JSON.stringify({ txnDate: txnDate.raw, txnDay: txnDate.day, account: v.account.number })}::jsonb, ${now.toISOString()}::timestamptz)
            on conflict do nothing returning id`,
      );
      if (!inserted[0]) return null;
      await creditPayment(
        tx,
        {
          accountId: v.account.id,
          amount: v.amount,
          idempotencyKey: key,
          source: `agent:${agent.code}`,
          effectiveOn,
          comment: `txn ${v.txnId}`,
          alongside: (c) => [
            sql`update payments set ledger_entry_id = c.entry_id from ${c} c where payments.id = ${inserted[0]!.id}`,
          ],
        },
        locked,
      );
      await afterPaymentSucceeded(tx, inserted[0].id);
      return inserted[0].id;
    });
    if (paymentId === null) {
      const prev = await findPrevious(db, key);
      if (prev) return repeatAnswer(prev, q);
      return { txnId: v.txnId, result: OSMP.notCompleted, comment: 'payment in progress' };
    }
    return { txnId: v.txnId, prvTxn: paymentId, sum: v.amount, result: OSMP.ok, comment: 'OK' };
  } catch (e) {
    if (e instanceof AppError && e.code === 'account_terminated')
      return { txnId: v.txnId, result: OSMP.paymentForbidden, comment: 'contract terminated' };
    return { txnId: v.txnId, result: OSMP.temporary, comment: 'temporary error, retry later' };
  }
}

interface Previous {
  id: number;
  amount: number;
  number: string;
}

async function findPrevious(db: Db, key: string): Promise<Previous | undefined> {
  const [row] = await queryRows<Previous>(
    db,
    sql`select p.id, p.amount, a.number from payments p join accounts a on a.id = p.account_id where p.idempotency_key = ${key}`,
  );
  return row;
}

function repeatAnswer(prev: Previous, q: OsmpQuery): OsmpAnswer {
  const sameSum = parseOsmpSum(q.sum) === prev.amount;
  if (prev.number !== (q.account ?? '').trim() || !sameSum) {
    return { txnId: q.txn_id ?? null, result: OSMP.other, comment: 'txn_id already used for another account or sum' };
  }
  return { txnId: q.txn_id ?? null, prvTxn: prev.id, sum: prev.amount, result: OSMP.ok, comment: 'OK (repeat)' };
}
