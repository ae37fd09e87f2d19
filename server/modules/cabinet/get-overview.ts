import { sql } from 'drizzle-orm';

import { addDays, todayIn } from '../../../common/dates.js';
import { dailyCharge, daysLeft, LOW_BALANCE_DAYS } from '../../../common/days-left.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus, ServiceKind } from '../../db/schema/index.js';
import { amountToCover, spendableMoney } from '../ledger/coverage.js';

/**
 * The information block of the cabinet: tariff and speed, services, balance, days left, the next
 * charge, and the account status with its reason and, when blocked, how much to pay.
 * amountToRestore = the least payment that brings money (balance + credit + promised) back to 0,
 * which restores service at once; recommendedPayment adds a month of fees so it stays on.
 */
export type Overview = Awaited<ReturnType<typeof getOverview>>;

export async function getOverview(db: Db, accountId: number, now = new Date()) {
  const [a] = await queryRows<{
    number: string;
    contract: string;
    status: AccountStatus;
    balance: number;
    credit_limit: number;
    promised_credit: number;
    time_zone: string;
    support_phone: string;
    support_email: string;
    region: string;
    region_en: string;
    full_name: string;
  }>(
    db,
    sql`select a.number, c.number as contract, a.status, a.balance, a.credit_limit, a.promised_credit, r.time_zone,
               r.support_phone, r.support_email, r.name_ru as region, r.name_en as region_en, s.full_name
        from accounts a join contracts c on c.id = a.contract_id join regions r on r.id = a.region_id
        join subscribers s on s.id = c.subscriber_id where a.id = ${accountId}`,
  );
  if (!a) throw new AppError('account_not_found', { account: accountId });
  const today = todayIn(a.time_zone, now);
  // Current subscriptions and the pending tariff change in one round trip (this runs on every cabinet
  // view, and each round trip costs more than the work): `current` marks the rows in force, a row with
  // a pending tariff carries the change. One statement for the account too would need a 7-table join,
  // whose planning costs more than the round trip it saves (measured on PGlite).
  const rows = await queryRows<{
    kind: string;
    monthly_fee: number;
    name_ru: string;
    name_en: string;
    down: number | null;
    up: number | null;
    service_kind: ServiceKind | null;
    starts_on: string;
    current: boolean;
    pending_ru: string | null;
    pending_en: string | null;
    pending_from: string | null;
  }>(
    db,
    sql`select * from (
          select s.id, s.kind, s.monthly_fee, coalesce(t.name_ru, v.name_ru) as name_ru, coalesce(t.name_en, v.name_en) as name_en,
                 t.speed_down_kbps as down, t.speed_up_kbps as up, v.kind as service_kind, s.starts_on,
                 (s.starts_on <= ${addDays(today, 1)}::date and (s.ends_on is null or s.ends_on >= ${today}::date)) as current,
                 p.name_ru as pending_ru, p.name_en as pending_en, s.pending_from
          from subscriptions s left join tariffs t on t.id = s.tariff_id left join services v on v.id = s.service_id
            left join tariffs p on p.id = s.pending_tariff_id
          where s.account_id = ${accountId}
        ) x
        where x.current or x.pending_ru is not null
        order by x.kind desc, x.id`,
  );
  const subs = rows.filter((r) => r.current);
  const pendingRow = rows.find((r) => r.pending_ru !== null);
  const pending = pendingRow
    ? { name_ru: pendingRow.pending_ru!, name_en: pendingRow.pending_en!, pending_from: pendingRow.pending_from! }
    : undefined;
  const fees = subs.map((s) => s.monthly_fee);
  const held = { balance: a.balance, creditLimit: a.credit_limit, promisedCredit: a.promised_credit };
  const money = spendableMoney(held);
  const tariff = subs.find((s) => s.kind === 'tariff');
  const left = a.status === 'active' ? daysLeft({ money, monthlyFees: fees, today }) : null;
  const monthly = fees.reduce((x, y) => x + y, 0);
  const amountToRestore = a.status === 'blocked' ? amountToCover(held) : 0;
  return {
    account: a.number,
    contract: a.contract,
    fullName: a.full_name,
    region: { nameRu: a.region, nameEn: a.region_en, supportPhone: a.support_phone, supportEmail: a.support_email },
    status: a.status,
    balance: a.balance,
    creditLimit: a.credit_limit,
    promisedCredit: a.promised_credit,
    tariff: tariff
      ? {
          nameRu: tariff.name_ru,
          nameEn: tariff.name_en,
          monthlyFee: tariff.monthly_fee,
          speedDownKbps: tariff.down ?? 0,
          speedUpKbps: tariff.up ?? 0,
        }
      : null,
    pendingTariff: pending ? { nameRu: pending.name_ru, nameEn: pending.name_en, from: pending.pending_from } : null,
    services: subs.flatMap((s) =>
      s.kind === 'service' && s.service_kind
        ? [{ kind: s.service_kind, nameRu: s.name_ru, nameEn: s.name_en, monthlyFee: s.monthly_fee }]
        : [],
    ),
    monthlyFee: monthly,
    dailyFee: dailyCharge(fees, addDays(today, 1)),
    daysLeft: left,
    lowBalance: left !== null && left <= LOW_BALANCE_DAYS,
    nextChargeOn: addDays(today, 1),
    amountToRestore,
    recommendedPayment: a.status === 'blocked' ? amountToRestore + monthly : 0,
  };
}
