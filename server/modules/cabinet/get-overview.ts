import { sql } from 'drizzle-orm';

import { addDays, todayIn } from '../../../common/dates.js';
import { dailyCharge, daysLeft, LOW_BALANCE_DAYS } from '../../../common/days-left.js';
import { AppError } from '../../../common/errors.js';
import { discountedFee } from '../../../common/promotions.js';
import { planFreeDays, suspensionRules } from '../../../common/suspension-rules.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus, RegionSettings, ServiceKind } from '../../db/schema/index.js';
import { amountToCover } from '../ledger/coverage.js';

/**
 * The information block of the cabinet (docs/statement.md, "Information page"): what the subscriber has
 * (plan, add-ons with a static IP's address, a promotion discount), the balance and the days it lasts,
 * the promised payment to repay, a voluntary suspension in effect or coming, the next charge (none when
 * nothing will be charged), the status with its reason and, when blocked, how much to pay.
 *
 * Days left count a promised payment as a debt to repay: they come from the subscriber's own money
 * (balance + credit limit), not from the promised credit. amountToRestore = the least payment that
 * brings money (balance + credit + promised) back to 0, which restores service at once;
 * recommendedPayment adds a month of fees so it stays on.
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
    settings: RegionSettings;
    promised: { amount: number; dueOn: string } | null;
  }>(
    db,
    sql`select a.number, c.number as contract, a.status, a.balance, a.credit_limit, a.promised_credit, r.time_zone,
               r.support_phone, r.support_email, r.name_ru as region, r.name_en as region_en, s.full_name, r.settings,
               (select jsonb_build_object('amount', p.amount, 'dueOn', p.due_on) from promised_payments p
                where p.account_id = a.id and p.status = 'active') as promised
        from accounts a join contracts c on c.id = a.contract_id join regions r on r.id = a.region_id
        join subscribers s on s.id = c.subscriber_id where a.id = ${accountId}`,
  );
  if (!a) throw new AppError('account_not_found', { account: accountId });
  const today = todayIn(a.time_zone, now);
  const tomorrow = addDays(today, 1);
  // Subscriptions on today or later, suspensions that count, and promotion discounts — one round trip.
  const rows = await queryRows<{
    row: 'sub' | 'susp' | 'disc';
    id: number;
    kind: string | null;
    monthly_fee: number | null;
    name_ru: string | null;
    name_en: string | null;
    down: number | null;
    up: number | null;
    service_kind: ServiceKind | null;
    starts_on: string;
    ends_on: string | null;
    pending_ru: string | null;
    pending_en: string | null;
    pending_from: string | null;
    address: string | null;
    status: string | null;
    free_days: number | null;
    daily_fee: number | null;
    percent: number | null;
  }>(
    db,
    sql`select 'sub' as row, s.id, s.kind, s.monthly_fee, coalesce(t.name_ru, v.name_ru) as name_ru,
               coalesce(t.name_en, v.name_en) as name_en, t.speed_down_kbps as down, t.speed_up_kbps as up,
               v.kind as service_kind, s.starts_on, s.ends_on, p.name_ru as pending_ru, p.name_en as pending_en,
               s.pending_from, (select host(i.address) from ip_addresses i where i.subscription_id = s.id) as address,
               null as status, null::int as free_days, null::int8 as daily_fee, null::int as percent
        from subscriptions s left join tariffs t on t.id = s.tariff_id left join services v on v.id = s.service_id
          left join tariffs p on p.id = s.pending_tariff_id
        where s.account_id = ${accountId} and s.kind in ('tariff', 'service')
          and (s.ends_on is null or s.ends_on >= ${today}::date)
          and (s.ends_on is null or s.ends_on >= s.starts_on)
        union all
        select 'susp', x.id, null, null, null, null, null, null, null, x.starts_on, coalesce(x.ended_on, x.ends_on),
               null, null, null, null, x.status, x.free_days, x.daily_fee, null
        from suspensions x where x.account_id = ${accountId} and x.status in ('pending', 'approved', 'active', 'finished')
        union all
        select 'disc', d.id, null, null, null, null, null, null, null, d.effect_from, d.effect_to,
               null, null, null, null, null, null, null, d.percent
        from promotion_participations d where d.account_id = ${accountId} and d.effect = 'discount' and d.effect_to >= ${today}::date
        order by 1, 3 desc, 2`,
  );
  const subs = rows.filter((r) => r.row === 'sub');
  const discounts = rows.filter((r) => r.row === 'disc');
  const inForce = (r: { starts_on: string; ends_on: string | null }, day: string) =>
    r.starts_on <= day && (r.ends_on === null || r.ends_on >= day);
  const discountOn = (day: string) => discounts.find((d) => inForce(d, day))?.percent ?? null;
  const feesOn = (day: string) =>
    subs
      .filter((s) => inForce(s, day))
      .map((s) => {
        const p = s.kind === 'tariff' ? discountOn(day) : null;
        return p ? discountedFee(s.monthly_fee!, p) : s.monthly_fee!;
      });

  // Suspensions: free days as the daily run fixes them (projected for ones still to come).
  const rules = suspensionRules(a.settings?.suspension);
  const susp = rows.filter((r) => r.row === 'susp');
  const plan = planFreeDays(
    susp.map((s) => ({ startsOn: s.starts_on, lastDay: s.ends_on!, freeDays: s.free_days })),
    rules,
  );
  const suspendedOn = (day: string) => {
    const s = susp.find((x) => (x.status === 'active' || x.status === 'approved') && inForce(x, day));
    if (!s) return null;
    const free = s.free_days ?? plan.find((p) => p.period.startsOn === s.starts_on)?.freeDays ?? 0;
    return { fee: day >= addDays(s.starts_on, free) ? (s.daily_fee ?? rules.dailyFee) : 0 };
  };
  const shown =
    susp.find((s) => s.status === 'active') ??
    susp
      .filter((s) => (s.status === 'approved' || s.status === 'pending') && s.starts_on > today)
      .sort((x, y) => (x.starts_on < y.starts_on ? -1 : 1))[0];

  // What tomorrow brings: the suspension fee on a paid suspended day, the fees on a normal day, nothing
  // while blocked for debt (service is off and not charged) or after termination.
  let nextCharge: { on: string; amount: number } | null = null;
  if (a.status === 'active' || a.status === 'suspended') {
    const suspended = suspendedOn(tomorrow);
    const amount = suspended ? suspended.fee : dailyCharge(feesOn(tomorrow), tomorrow);
    if (amount > 0) nextCharge = { on: tomorrow, amount };
  }
  const tariff = subs.find((s) => s.kind === 'tariff' && inForce(s, today)) ?? subs.find((s) => s.kind === 'tariff');
  const pendingRow = subs.find((s) => s.pending_ru !== null);
  const current = subs.filter((s) => inForce(s, today) || inForce(s, tomorrow));
  const fees = feesOn(tomorrow);
  const own = a.balance + a.credit_limit;
  const left = a.status === 'active' ? daysLeft({ money: own, monthlyFees: fees, today }) : null;
  const monthly = fees.reduce((x, y) => x + y, 0);
  const amountToRestore =
    a.status === 'blocked'
      ? amountToCover({ balance: a.balance, creditLimit: a.credit_limit, promisedCredit: a.promised_credit })
      : 0;
  const warnDays = a.settings?.lowBalanceDays ?? LOW_BALANCE_DAYS;
  const lowBalance = left !== null && left <= warnDays;
  const discount = discounts.find((d) => d.ends_on! >= tomorrow);
  return {
    account: a.number,
    contract: a.contract,
    fullName: a.full_name,
    region: { nameRu: a.region, nameEn: a.region_en, supportPhone: a.support_phone, supportEmail: a.support_email },
    today,
    status: a.status,
    balance: a.balance,
    creditLimit: a.credit_limit,
    promisedCredit: a.promised_credit,
    promised: a.promised ? { amount: a.promised.amount, dueOn: a.promised.dueOn } : null,
    tariff: tariff
      ? {
          nameRu: tariff.name_ru!,
          nameEn: tariff.name_en!,
          monthlyFee: tariff.monthly_fee!,
          speedDownKbps: tariff.down ?? 0,
          speedUpKbps: tariff.up ?? 0,
        }
      : null,
    pendingTariff: pendingRow
      ? { nameRu: pendingRow.pending_ru!, nameEn: pendingRow.pending_en!, from: pendingRow.pending_from! }
      : null,
    discount: discount ? { percent: discount.percent!, from: discount.starts_on, until: discount.ends_on! } : null,
    services: current
      .filter((s) => s.kind === 'service')
      .map((s) => ({
        kind: s.service_kind ?? 'tv',
        nameRu: s.name_ru!,
        nameEn: s.name_en!,
        monthlyFee: s.monthly_fee!,
        address: s.address,
        from: s.starts_on,
        until: s.ends_on,
      })),
    suspension: shown
      ? {
          id: shown.id,
          status: shown.status as 'pending' | 'approved' | 'active',
          startsOn: shown.starts_on,
          endsOn: shown.ends_on!,
        }
      : null,
    monthlyFee: monthly,
    dailyFee: dailyCharge(fees, tomorrow),
    daysLeft: left,
    lowBalance,
    topUp: a.status === 'blocked' || lowBalance || a.balance < 0 || a.promised !== null,
    nextCharge,
    nextChargeOn: tomorrow,
    amountToRestore,
    recommendedPayment: a.status === 'blocked' ? amountToRestore + monthly : 0,
  };
}
