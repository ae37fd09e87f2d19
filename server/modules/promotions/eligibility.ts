import { sql } from 'drizzle-orm';

import { addDays, daysBetween } from '../../../common/dates.js';
import { type Db, queryRows } from '../../db/client.js';
import type { PromotionEffect, PromotionEligibility } from '../../db/schema/index.js';
import type { AccountContext } from '../accounts/load-account.js';

export interface PromotionRow {
  id: number;
  region_id: number;
  title_ru: string;
  title_en: string;
  description_ru: string;
  description_en: string;
  starts_on: string;
  ends_on: string | null;
  effect: PromotionEffect;
  percent: number | null;
  months: number | null;
  amount: number | null;
  service_id: number | null;
  eligibility: PromotionEligibility;
  ended_at: string | null;
  created_at: string;
}

export const PROMOTION_COLUMNS = sql`p.id, p.region_id, p.title_ru, p.title_en, p.description_ru, p.description_en, p.starts_on,
  p.ends_on, p.effect, p.percent, p.months, p.amount, p.service_id, p.eligibility, p.ended_at::text, p.created_at::text`;

export const INELIGIBLE = [
  'not_current',
  'other_region',
  'already_joined',
  'new_only',
  'tariff',
  'debt',
  'terminated',
  'discount_active',
  'addon_connected',
  'pool_empty',
] as const;
export type Ineligible = (typeof INELIGIBLE)[number];

/** The reasons in words, for the error message (the web app has its own texts by code). */
export const INELIGIBLE_TEXT: Record<Ineligible, { ru: string; en: string }> = {
  not_current: { ru: 'акция не действует', en: 'the promotion is not running' },
  other_region: { ru: 'акция другого региона', en: 'the promotion is for another region' },
  already_joined: { ru: 'вы уже участвуете', en: 'you already take part' },
  new_only: { ru: 'только для новых абонентов', en: 'for new subscribers only' },
  tariff: { ru: 'не для вашего тарифного плана', en: 'not for your tariff plan' },
  debt: { ru: 'на счёте есть долг', en: 'the account is in debt' },
  terminated: { ru: 'договор расторгнут', en: 'the contract is terminated' },
  discount_active: { ru: 'уже действует скидка по другой акции', en: 'another promotion discount is running' },
  addon_connected: { ru: 'услуга уже подключена', en: 'the service is already connected' },
  pool_empty: { ru: 'нет свободных статических IP-адресов', en: 'no free static IP addresses' },
};

export function isCurrent(p: PromotionRow, today: string): boolean {
  return p.ended_at === null && p.starts_on <= today && (p.ends_on === null || p.ends_on >= today);
}

/** The conditions a promotion may set on who joins (docs/promotions.md, "Eligibility"). */
export const CONDITION_KINDS = ['new_within_days', 'tariffs', 'no_debt'] as const;

/** One condition of an offer and whether the account meets it now. */
export interface ConditionCheck {
  kind: (typeof CONDITION_KINDS)[number];
  met: boolean;
  /** new_within_days: the limit, and how many days ago the account's contract was signed. */
  days: number | null;
  contractAgeDays: number | null;
  /** tariffs: the plans that may join. */
  tariffIds: number[] | null;
}

const REASON_OF: Record<ConditionCheck['kind'], Ineligible> = {
  new_within_days: 'new_only',
  tariffs: 'tariff',
  no_debt: 'debt',
};

/**
 * Every condition the promotion sets, each with whether the account meets it — what the offer shows
 * ("who may join") and, through whyNot, what joining checks: one rule for both.
 */
export function checkConditions(a: AccountContext, e: PromotionEligibility, tariffId: number | null): ConditionCheck[] {
  const out: ConditionCheck[] = [];
  const none = { days: null, contractAgeDays: null, tariffIds: null };
  if (e.newWithinDays !== undefined) {
    const age = daysBetween(a.signedOn, a.today);
    out.push({
      ...none,
      kind: 'new_within_days',
      met: age <= e.newWithinDays,
      days: e.newWithinDays,
      contractAgeDays: age,
    });
  }
  if (e.tariffIds?.length)
    out.push({
      ...none,
      kind: 'tariffs',
      met: tariffId !== null && e.tariffIds.includes(tariffId),
      tariffIds: e.tariffIds,
    });
  if (e.noDebt) out.push({ ...none, kind: 'no_debt', met: !(a.balance < 0 || a.status === 'blocked') });
  return out;
}

/**
 * Whether the account may join (docs/promotions.md), with the promotion's conditions checked: the first
 * reason it may not, or null — the promotion runs today in the account's region; the contract is live;
 * joined once at most; every condition the promotion sets holds (a new contract, one of its plans, no
 * debt); a discount does not overlap another one; a free add-on is not connected already and, for a
 * static IP, the pool has an address.
 */
export async function checkEligibility(
  db: Db,
  a: AccountContext,
  p: PromotionRow,
): Promise<{ reason: Ineligible | null; conditions: ConditionCheck[] }> {
  const [facts] = await queryRows<{
    joined: boolean;
    tariff_id: number | null;
    discount_until: string | null;
    addon: boolean;
    addon_kind: string | null;
    free_ips: number;
  }>(
    db,
    sql`select
          exists (select 1 from promotion_participations x where x.promotion_id = ${p.id} and x.account_id = ${a.id}) as joined,
          (select tariff_id from subscriptions where account_id = ${a.id} and kind = 'tariff' and ends_on is null
            order by starts_on desc limit 1) as tariff_id,
          (select max(effect_to)::text from promotion_participations x where x.account_id = ${a.id} and x.effect = 'discount') as discount_until,
          ${p.service_id ?? null}::int is not null and exists (
            select 1 from subscriptions s join services v on v.id = s.service_id
            where s.account_id = ${a.id} and s.kind = 'service' and (s.ends_on is null or s.ends_on >= ${a.today}::date)
              and (s.service_id = ${p.service_id ?? null}::int
                   or (v.kind = 'static_ip' and (select kind from services where id = ${p.service_id ?? null}::int) = 'static_ip'))) as addon,
          (select kind from services where id = ${p.service_id ?? null}::int) as addon_kind,
          (select count(*)::int8 from ip_addresses where region_id = ${a.regionId} and subscription_id is null) as free_ips`,
  );
  const f = facts!;
  const conditions = checkConditions(a, p.eligibility ?? {}, f.tariff_id);
  const reason = ((): Ineligible | null => {
    if (a.status === 'terminated') return 'terminated';
    if (p.region_id !== a.regionId) return 'other_region';
    if (!isCurrent(p, a.today)) return 'not_current';
    if (f.joined) return 'already_joined';
    const unmet = conditions.find((c) => !c.met);
    if (unmet) return REASON_OF[unmet.kind];
    if (p.effect === 'discount' && f.discount_until !== null && f.discount_until >= addDays(a.today, 1))
      return 'discount_active';
    if (p.effect === 'free_addon') {
      if (f.addon) return 'addon_connected';
      if (f.addon_kind === 'static_ip' && f.free_ips === 0) return 'pool_empty';
    }
    return null;
  })();
  return { reason, conditions };
}

/** The first reason the account may not join the promotion, or null (checkEligibility). */
export async function whyNot(db: Db, a: AccountContext, p: PromotionRow): Promise<Ineligible | null> {
  return (await checkEligibility(db, a, p)).reason;
}
