import { sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus, LedgerKind, ServiceKind } from '../../db/schema/index.js';

export interface AccountSummary {
  id: number;
  number: string;
  contract: string;
  subscriber: string;
  region: string;
  /** Today in the account's region (YYYY-MM-DD): statement windows end there. */
  today: string;
  status: AccountStatus;
  balance: number;
  creditLimit: number;
  promisedCredit: number;
  subscriptions: {
    kind: 'tariff' | 'service';
    /** An add-on's kind (TV, static IP, mobile internet); null for the plan. */
    serviceKind: ServiceKind | null;
    name: string;
    /** A static IP add-on's address while it holds one. */
    address: string | null;
    monthlyFee: number;
    startsOn: string;
    endsOn: string | null;
  }[];
  lastEntries: { effectiveOn: string; kind: LedgerKind; amount: number; comment: string | null }[];
}

/** An account by its personal account number, contract number or (staff API) id. */
export async function showAccount(db: Db, numberOrContract: string, byId?: number): Promise<AccountSummary> {
  const [a] = await queryRows<{
    id: number;
    number: string;
    contract: string;
    subscriber: string;
    region: string;
    time_zone: string;
    status: AccountStatus;
    balance: number;
    credit_limit: number;
    promised_credit: number;
  }>(
    db,
    sql`select a.id, a.number, c.number as contract, s.full_name as subscriber, r.name_ru as region,
               r.time_zone, a.status, a.balance, a.credit_limit, a.promised_credit
        from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
        join regions r on r.id = a.region_id
        where ${byId != null ? sql`a.id = ${byId}` : sql`a.number = ${numberOrContract} or c.number = ${numberOrContract}`}`,
  );
  if (!a) throw new AppError('account_not_found', { account: byId != null ? String(byId) : numberOrContract });
  const subs = await queryRows<{
    kind: 'tariff' | 'service';
    service_kind: ServiceKind | null;
    name: string;
    address: string | null;
    monthly_fee: number;
    starts_on: string;
    ends_on: string | null;
  }>(
    db,
    sql`select s.kind, v.kind as service_kind, coalesce(t.name_ru, v.name_ru) as name, s.monthly_fee, s.starts_on, s.ends_on,
               (select host(i.address) from ip_addresses i where i.subscription_id = s.id) as address
        from subscriptions s left join tariffs t on t.id = s.tariff_id left join services v on v.id = s.service_id
        where s.account_id = ${a.id} and s.kind in ('tariff', 'service') order by s.starts_on, s.id`,
  );
  const entries = await queryRows<{ effective_on: string; kind: LedgerKind; amount: number; comment: string | null }>(
    db,
    sql`select effective_on, kind, amount, comment from ledger_entries where account_id = ${a.id} order by id desc limit 10`,
  );
  return {
    id: a.id,
    number: a.number,
    contract: a.contract,
    subscriber: a.subscriber,
    region: a.region,
    today: todayIn(a.time_zone),
    status: a.status,
    balance: a.balance,
    creditLimit: a.credit_limit,
    promisedCredit: a.promised_credit,
    subscriptions: subs.map((s) => ({
      kind: s.kind,
      serviceKind: s.service_kind,
      name: s.name,
      address: s.address,
      monthlyFee: s.monthly_fee,
      startsOn: s.starts_on,
      endsOn: s.ends_on,
    })),
    lastEntries: entries.map((e) => ({
      effectiveOn: e.effective_on,
      kind: e.kind,
      amount: e.amount,
      comment: e.comment,
    })),
  };
}
