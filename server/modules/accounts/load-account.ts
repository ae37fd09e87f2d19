import { sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus, RegionSettings } from '../../db/schema/index.js';
import { ACCOUNT_LOCK } from '../ledger/lock-account.js';

export interface AccountContext {
  id: number;
  number: string;
  contractId: number;
  regionId: number;
  status: AccountStatus;
  balance: number;
  creditLimit: number;
  promisedCredit: number;
  timeZone: string;
  settings: RegionSettings;
  signedOn: string;
  /** Today in the account's region. */
  today: string;
}

/**
 * An account with what the service use-cases decide on (status, money, region rules, today). With
 * `lock`, the account row is locked FOR NO KEY UPDATE (ledger/lock-account.ts): every use-case that changes an account's services
 * takes this lock first (the project's lock order: the account row before anything of it).
 */
export async function loadAccount(
  db: Db,
  accountId: number,
  opts: { lock?: boolean; now?: Date } = {},
): Promise<AccountContext> {
  const [a] = await queryRows<{
    id: number;
    number: string;
    contract_id: number;
    region_id: number;
    status: AccountStatus;
    balance: number;
    credit_limit: number;
    promised_credit: number;
    time_zone: string;
    settings: RegionSettings;
    signed_on: string;
  }>(
    db,
    sql`select a.id, a.number, a.contract_id, a.region_id, a.status, a.balance, a.credit_limit, a.promised_credit,
               r.time_zone, r.settings, c.signed_on
        from accounts a join regions r on r.id = a.region_id join contracts c on c.id = a.contract_id
        where a.id = ${accountId}
        ${opts.lock ? sql`${ACCOUNT_LOCK} of a` : sql``}`,
  );
  if (!a) throw new AppError('account_not_found', { account: accountId });
  return {
    id: a.id,
    number: a.number,
    contractId: a.contract_id,
    regionId: a.region_id,
    status: a.status,
    balance: a.balance,
    creditLimit: a.credit_limit,
    promisedCredit: a.promised_credit,
    timeZone: a.time_zone,
    settings: a.settings ?? {},
    signedOn: a.signed_on,
    today: todayIn(a.time_zone, opts.now),
  };
}

/** Refuses a change to a terminated contract. */
export function assertNotTerminated(a: AccountContext): void {
  if (a.status === 'terminated') throw new AppError('account_terminated');
}

/** Who is acting, for the audit trail and the rows' `created_by`. */
export type Actor =
  | { type: 'subscriber'; accountId: number; ip?: string | null }
  | { type: 'staff'; staffId: number; ip?: string | null }
  | { type: 'system' };

export function actorAudit(actor: Actor): {
  actorType: 'staff' | 'subscriber' | 'system';
  actorId: string | null;
  ip: string | null;
} {
  if (actor.type === 'staff') return { actorType: 'staff', actorId: String(actor.staffId), ip: actor.ip ?? null };
  if (actor.type === 'subscriber')
    return { actorType: 'subscriber', actorId: String(actor.accountId), ip: actor.ip ?? null };
  return { actorType: 'system', actorId: null, ip: null };
}

export function actorLabel(actor: Actor): string {
  return actor.type === 'staff' ? `staff:${actor.staffId}` : actor.type;
}
