import type { Db } from '../../db/client.js';
import type { Agent } from './authenticate-agent.js';
import { OSMP, type OsmpAnswer } from './osmp-protocol.js';
import { isAnswer, type OsmpQuery, validateOsmpRequest } from './validate-osmp-request.js';

/**
 * `check`: may this account receive this sum? Blocked-for-debt accounts answer 0 (paying is how they
 * unblock); terminated contracts 7. A check with sum 0 (or none) asks about the account only — terminal
 * networks send it before the payer puts money in — and answers 0 for any account that can be paid.
 * A database failure answers 243 ("cannot check"), so the agent does not show the payer a wrong
 * "not found".
 */
export async function osmpCheck(db: Db, agent: Agent, q: OsmpQuery): Promise<OsmpAnswer> {
  try {
    const v = await validateOsmpRequest(db, agent, q, { accountOnly: true });
    if (isAnswer(v)) return v;
    return { txnId: v.txnId, result: OSMP.ok, comment: 'OK', sum: v.amount };
  } catch {
    return { txnId: q.txn_id ?? null, result: OSMP.cannotCheck, comment: 'cannot check account now' };
  }
}
