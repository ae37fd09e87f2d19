import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus } from '../../db/schema/index.js';
import { countEvent, type LimitRule } from '../auth/rate-limit.js';

/**
 * `/api/portal/me` answers anyone without a session: 60 questions a minute per address (a portal
 * page asks once per visit), then a minute's wait (issue 26). Counted before the lookup, in one upsert.
 */
export const PORTAL_ME_LIMIT: LimitRule = { limit: 61, windowSeconds: 60, lockSeconds: 60 };

/** Counts the question; refuses it with the wait when the address asked too often. */
export async function throttlePortal(db: Db, address: string): Promise<void> {
  const wait = await countEvent(db, `portal:ip:${address}`, PORTAL_ME_LIMIT);
  if (wait > 0) throw new AppError('rate_limited', { retryAfter: wait });
}

/**
 * The captive portal's question "who is this?" (docs/network.md, "Debtors"): the account whose open
 * session has the visitor's address. It answers only with what the portal shows — the personal
 * account number (to top up), the balance, the status and what would bring service back — never a
 * name. Unknown addresses get `identified: false` and the portal offers top-up by account number.
 */
export async function findPortalSubscriber(db: Db, address: string, interimSeconds: number) {
  const rows = await queryRows<{
    number: string;
    balance: number;
    credit: number;
    status: AccountStatus;
    support_phone: string;
  }>(
    db,
    sql`select a.number, a.balance, a.credit_limit + a.promised_credit as credit, a.status, r.support_phone
        from radius_sessions s join accounts a on a.id = s.account_id join regions r on r.id = a.region_id
        where s.framed_ip = ${address}::inet and s.stopped_at is null
          and s.updated_at > now() - make_interval(secs => ${interimSeconds * 3})
        order by s.updated_at desc limit 1`,
  );
  const r = rows[0];
  if (!r) {
    return { identified: false, accountNumber: null, balance: null, status: null, toPay: null, supportPhone: null };
  }
  const balance = Number(r.balance);
  const short = -(balance + Number(r.credit));
  return {
    identified: true,
    accountNumber: r.number,
    balance,
    status: r.status,
    toPay: r.status === 'blocked' && short > 0 ? short : null,
    supportPhone: r.support_phone,
  };
}
