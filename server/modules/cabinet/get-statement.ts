import { sql } from 'drizzle-orm';

import { addDays, daysBetween, isValidDay, todayIn } from '../../../common/dates.js';
import { AppError, type Lang } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { LedgerKind } from '../../db/schema/index.js';
import { describeEntry } from './describe-entries.js';

export const MAX_STATEMENT_DAYS = 3 * 366;

export interface StatementEntry {
  id: number;
  date: string;
  kind: LedgerKind;
  amount: number;
  comment: string | null;
  /** The entry in words of the reader's language (docs/statement.md). */
  description: string | null;
  balanceAfter: number;
}

/**
 * Every ledger entry of the account in [from, to] with the running balance after each. Entries are
 * ordered by (effective day, id); the running balance starts from the true balance before `from`, so
 * the first entry of a period mid-history shows the true balance.
 */
export async function getStatement(
  db: Db,
  accountId: number,
  opts: { from?: string; to?: string; now?: Date; lang?: Lang },
) {
  // With the region's zone, the days of the ledger's verified checkpoints (docs/ledger-partitions.md):
  // the statement starts from the latest one on or before `from`.
  const [acc] = await queryRows<{ time_zone: string; checkpoints: string[] | null }>(
    db,
    sql`select r.time_zone,
               (select array_agg(as_of::text order by as_of) from ledger_checkpoints
                where state = 'ready' and not stale) as checkpoints
        from accounts a join regions r on r.id = a.region_id where a.id = ${accountId}`,
  );
  if (!acc) throw new AppError('account_not_found', { account: accountId });
  const today = todayIn(acc.time_zone, opts.now);
  const to = opts.to ?? today;
  const from = opts.from ?? `${to.slice(0, 7)}-01`;
  for (const d of [from, to]) if (!isValidDay(d)) throw new AppError('bad_date', { value: d });
  if (from > to || daysBetween(from, to) > MAX_STATEMENT_DAYS)
    throw new AppError('bad_period', { max: MAX_STATEMENT_DAYS });

  // One query: the opening at the checkpoint and the entries from the checkpoint to `to`. Its days are
  // literal, so only those months' partitions are read, however old the ledger is. Entries before
  // `from` come from the ledger_account_day index alone (it holds these columns); only the period's
  // entries are read whole, once, for what describes them: the comment, the tariff or service of a
  // charge, the promotion behind a bonus, the discount that lowered a tariff charge (docs/statement.md).
  // The checkpoint list above was read in an earlier snapshot: the query also says whether that
  // checkpoint is still good in its own snapshot (the day checkpoint is replaced daily; a back-dated
  // entry marks it stale). If not, the list is read again; without any, the statement sums from the start.
  type Row = {
    cp_ok: boolean;
    opening: number | null;
    id: number | null;
    effective_on: string;
    kind: LedgerKind;
    amount: number;
    comment: string | null;
    subject_ru: string | null;
    subject_en: string | null;
    subject_kind: string | null;
    service_kind: string | null;
    promo_ru: string | null;
    promo_en: string | null;
    discount: number | null;
  };
  const read = (cp: string | null) =>
    queryRows<Row>(
      db,
      sql`select h.cp_ok, h.opening, l.id, l.effective_on, l.kind, l.amount, d.comment,
                 d.subject_ru, d.subject_en, d.subject_kind, d.service_kind, d.promo_ru, d.promo_en, d.discount
          from (select ${
            cp
              ? sql`exists (select 1 from ledger_checkpoints k
                            where k.as_of = ${cp}::date and k.state = 'ready' and not k.stale) as cp_ok,
                    (select o.balance from ledger_openings o
                     where o.as_of = ${cp}::date and o.account_id = ${accountId}) as opening`
              : sql`true as cp_ok, null::int8 as opening`
          }) h
          left join lateral (
            select e.id, e.effective_on, e.kind, e.amount
            from ledger_entries e
            where e.account_id = ${accountId} and e.effective_on <= ${to}::date
              ${cp ? sql`and e.effective_on >= ${cp}::date` : sql``}
          ) l on true
          left join lateral (
            select c.comment, coalesce(t.name_ru, v.name_ru) as subject_ru, coalesce(t.name_en, v.name_en) as subject_en,
                   s.kind as subject_kind, v.kind as service_kind, p.title_ru as promo_ru, p.title_en as promo_en,
                   case when c.kind = 'charge' and s.kind = 'tariff' then (
                     select max(x.percent) from promotion_participations x
                     where x.account_id = ${accountId} and x.effect = 'discount'
                       and c.effective_on between x.effect_from and x.effect_to) end as discount
            from ledger_entries c
              left join subscriptions s on s.id = c.subscription_id
              left join tariffs t on t.id = s.tariff_id
              left join services v on v.id = s.service_id
              left join promotions p on c.comment like 'promotion:%' and p.id::text = substr(c.comment, 11)
            where l.effective_on >= ${from}::date
              and c.account_id = ${accountId} and c.id = l.id and c.effective_on = l.effective_on
              and c.effective_on between ${from}::date and ${to}::date
          ) d on true
          order by l.effective_on, l.id`,
    );
  const latestOnOrBefore = (checkpoints: string[] | null) => (checkpoints ?? []).filter((d) => d <= from).pop() ?? null;
  let rows = await read(latestOnOrBefore(acc.checkpoints));
  for (let attempt = 0; !rows[0]!.cp_ok; attempt++) {
    const [again] = await queryRows<{ checkpoints: string[] | null }>(
      db,
      sql`select array_agg(as_of::text order by as_of) as checkpoints from ledger_checkpoints
          where state = 'ready' and not stale`,
    );
    rows = await read(attempt < 2 ? latestOnOrBefore(again?.checkpoints ?? null) : null);
  }
  const found = rows.filter((r) => r.id !== null);
  const before = found.filter((e) => e.effective_on < from);
  const opening = before.reduce((s, e) => s + e.amount, rows[0]?.opening ?? 0);
  let running = opening;
  const entries = found.slice(before.length).map((e) => ({ ...e, id: e.id!, balance_after: (running += e.amount) }));
  const lang = opts.lang ?? 'ru';
  const totals: Partial<Record<LedgerKind, number>> = {};
  for (const e of entries) totals[e.kind] = (totals[e.kind] ?? 0) + e.amount;
  const closing = entries.length ? entries[entries.length - 1]!.balance_after : opening;

  // End-of-day balance for each day of the period (for the chart); days without entries carry over.
  const series: { date: string; balance: number }[] = [];
  let i = 0;
  let bal = opening;
  const last = to > today ? today : to;
  for (let d = from; d <= last; d = addDays(d, 1)) {
    while (i < entries.length && entries[i]!.effective_on === d) bal = entries[i++]!.balance_after;
    series.push({ date: d, balance: bal });
  }
  return {
    from,
    to,
    openingBalance: opening,
    closingBalance: closing,
    totals: (Object.entries(totals) as [LedgerKind, number][]).map(([kind, amount]) => ({ kind, amount })),
    entries: entries.map((e): StatementEntry => ({
      id: e.id,
      date: e.effective_on,
      kind: e.kind,
      amount: e.amount,
      comment: e.comment,
      description: describeEntry(
        {
          kind: e.kind,
          comment: e.comment,
          subject: names(e.subject_ru, e.subject_en),
          subjectKind: e.subject_kind,
          serviceKind: e.service_kind,
          discountPercent: e.discount,
          promotion: names(e.promo_ru, e.promo_en),
        },
        lang,
      ),
      balanceAfter: e.balance_after,
    })),
    series,
  };
}

export type Statement = Awaited<ReturnType<typeof getStatement>>;

/** A name in both languages (English falls back to Russian), or null. */
function names(ru: string | null, en: string | null): { ru: string; en: string } | null {
  return ru ? { ru, en: en ?? ru } : null;
}
