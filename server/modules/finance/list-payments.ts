import { type SQL, sql } from 'drizzle-orm';

import { daysBetween, isValidDay } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { PaymentMethod, PaymentStatus } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { getReceiptsForPayments } from '../receipts/get-receipts-for-payments.js';

export interface PaymentsFilter {
  from: string;
  to: string;
  method?: string;
  provider?: string;
  status?: string;
  account?: string;
  page: number;
  pageSize: number;
  /** The caller's regions: payments of accounts there. */
  regions: RegionScope;
}

const MAX_DAYS = 366;

/**
 * The finance view: payments created within [from, to] (days in the account's region time zone),
 * filtered, newest first, one page; with totals per day and method computed by SQL over the whole
 * filter (not just the page). Totals count succeeded money only, so pending or canceled attempts
 * never inflate what came in.
 */
export async function listPayments(db: Db, f: PaymentsFilter) {
  if (!isValidDay(f.from)) throw new AppError('bad_date', { value: f.from });
  if (!isValidDay(f.to)) throw new AppError('bad_date', { value: f.to });
  if (f.from > f.to || daysBetween(f.from, f.to) > MAX_DAYS) throw new AppError('bad_period', { max: MAX_DAYS });

  const day = sql`(p.created_at at time zone r.time_zone)::date`;
  const conds: SQL[] = [sql`${day} between ${f.from}::date and ${f.to}::date`, inRegions(f.regions, sql`a.region_id`)];
  if (f.method) conds.push(sql`p.method = ${f.method}`);
  if (f.provider) conds.push(sql`p.provider = ${f.provider}`);
  if (f.status) conds.push(sql`p.status = ${f.status}`);
  if (f.account) conds.push(sql`a.number = ${f.account}`);
  const where = sql.join(conds, sql` and `);
  const from = sql`payments p join accounts a on a.id = p.account_id join regions r on r.id = a.region_id`;

  const rows = await queryRows<{
    id: number;
    account_id: number;
    number: string;
    provider: string;
    external_id: string | null;
    amount: number;
    status: PaymentStatus;
    method: PaymentMethod;
    created_at: string;
    succeeded_at: string | null;
    day: string;
    refunded: number;
    refund_pending: boolean;
  }>(
    db,
    sql`select p.id, p.account_id, a.number, p.provider, p.external_id, p.amount, p.status, p.method,
               p.created_at, p.succeeded_at, ${day} as day,
               (select coalesce(sum(f.amount), 0)::int8 from payment_refunds f where f.payment_id = p.id and f.status = 'succeeded') as refunded,
               exists (select 1 from payment_refunds f where f.payment_id = p.id and f.status = 'pending') as refund_pending
        from ${from} where ${where}
        order by p.created_at desc, p.id desc
        limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`,
  );
  const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int8 as n from ${from} where ${where}`);
  const totals = await queryRows<{ day: string; method: PaymentMethod; count: number; amount: number }>(
    db,
    sql`select ${day} as day, p.method, count(*)::int8 as count, sum(p.amount)::int8 as amount
        from ${from} where ${where} and p.status = 'succeeded'
        group by 1, 2 order by 1, 2`,
  );
  const receipts = await getReceiptsForPayments(
    db,
    rows.map((r) => r.id),
  );
  const iso = (v: string | null) => (v == null ? null : new Date(v).toISOString());
  return {
    payments: rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      account: r.number,
      provider: r.provider,
      externalId: r.external_id,
      amount: r.amount,
      status: r.status,
      method: r.method,
      day: r.day,
      createdAt: iso(r.created_at)!,
      succeededAt: iso(r.succeeded_at),
      receiptUrl: receipts.get(r.id)?.receiptUrl ?? null,
      refunded: r.refunded,
      refundPending: r.refund_pending,
    })),
    page: f.page,
    pageSize: f.pageSize,
    total: count?.n ?? 0,
    totals,
    sum: totals.reduce((s, t) => s + t.amount, 0),
  };
}
