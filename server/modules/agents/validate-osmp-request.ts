import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { Agent } from './authenticate-agent.js';
import { ACCOUNT_FORMAT, OSMP, type OsmpAnswer, parseOsmpSum, TXN_ID_FORMAT } from './osmp-protocol.js';

export interface OsmpQuery {
  command?: string;
  txn_id?: string;
  account?: string;
  sum?: string;
  txn_date?: string;
}

export interface ValidRequest {
  txnId: string;
  amount: number;
  account: { id: number; number: string; status: string; time_zone: string };
}

/**
 * The checks shared by `check` and `pay`, in the protocol's order: txn id, account format, sum
 * format and bounds, then the account itself. Returns the refusal answer or the validated request.
 * `accountOnly` (a `check` with sum 0 or without a sum): the terminal asks whether the account can be
 * paid before the payer puts money in — the sum is not checked against the bounds (amount 0).
 */
export async function validateOsmpRequest(
  db: Db,
  agent: Agent,
  q: OsmpQuery,
  opts: { accountOnly?: boolean } = {},
): Promise<OsmpAnswer | ValidRequest> {
  const txnId = q.txn_id ?? '';
  if (!TXN_ID_FORMAT.test(txnId)) return { txnId: q.txn_id ?? null, result: OSMP.other, comment: 'bad txn_id' };
  const number = (q.account ?? '').trim();
  if (!ACCOUNT_FORMAT.test(number)) return { txnId, result: OSMP.badAccountFormat, comment: 'wrong account format' };
  const amount = opts.accountOnly && q.sum === undefined ? 0 : parseOsmpSum(q.sum);
  if (amount === null) return { txnId, result: OSMP.other, comment: 'bad sum' };
  if (!(opts.accountOnly && amount === 0)) {
    if (amount < agent.minAmount) return { txnId, result: OSMP.sumTooSmall, comment: 'sum too small' };
    if (amount > agent.maxAmount) return { txnId, result: OSMP.sumTooLarge, comment: 'sum too large' };
  }
  const account = await findOsmpAccount(db, number);
  if (!account) return { txnId, result: OSMP.accountNotFound, comment: 'account not found' };
  if (account.status === 'terminated') return { txnId, result: OSMP.paymentForbidden, comment: 'contract terminated' };
  return { txnId, amount, account };
}

/** The personal account an agent names, with its holder's name (for getInfo). */
export async function findOsmpAccount(db: Db, number: string) {
  const [account] = await queryRows<{
    id: number;
    number: string;
    status: string;
    time_zone: string;
    full_name: string;
  }>(
    db,
    sql`select a.id, a.number, a.status, r.time_zone, s.full_name from accounts a join regions r on r.id = a.region_id
        join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
        where a.number = ${number}`,
  );
  return account ?? null;
}

export function isAnswer(v: OsmpAnswer | ValidRequest): v is OsmpAnswer {
  return 'result' in v;
}
