import { sql } from 'drizzle-orm';

import { addDays, daysBetween, isValidDay } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { ACQUIRER_CHANNELS, adapterFor } from './channel-adapters.js';
import { creditedPayments } from './reconcile-channel.js';

const MAX_DAYS = 62;

export interface ChannelDay {
  day: string;
  /** What the ledger credited for the channel's day. */
  ledger: { count: number; sum: number };
  /** The day's latest reconciliation, or null when no report was loaded yet. */
  reconciliation: null | {
    id: number;
    registry: { count: number; sum: number };
    differences: number;
    open: number;
  };
}

/**
 * The reconciliation view (docs/reports.md): every channel — each payment agent, each card acquirer
 * that took payments, the office cash desk — and for each day of the period what the ledger credited
 * against the provider's report loaded for that day and how many differences are still open.
 */
export async function listChannelDays(db: Db, q: { from: string; to: string }) {
  if (!isValidDay(q.from)) throw new AppError('bad_date', { value: q.from });
  if (!isValidDay(q.to)) throw new AppError('bad_date', { value: q.to });
  if (q.from > q.to || daysBetween(q.from, q.to) >= MAX_DAYS) throw new AppError('bad_period', { max: MAX_DAYS });
  const agents = await queryRows<{ code: string; name: string }>(db, sql`select code, name from agents order by code`);
  const acquirers = await queryRows<{ provider: string }>(
    db,
    sql`select provider from (values ${sql.join(
      ACQUIRER_CHANNELS.map((c) => sql`(${c})`),
      sql`, `,
    )}) v(provider) where exists (select 1 from payments p where p.provider = v.provider)`,
  );
  const channels = [
    ...agents.map((a) => ({ channel: `agent:${a.code}`, name: a.name })),
    ...acquirers.map((a) => ({ channel: a.provider, name: a.provider })),
    { channel: 'office_cash', name: 'office_cash' },
  ];
  const days: string[] = [];
  for (let d = q.from; d <= q.to; d = addDays(d, 1)) days.push(d);
  const recs = await queryRows<{
    channel: string;
    day: string;
    id: number;
    registry_count: number;
    registry_sum: number;
    differences: number;
    open: number;
  }>(
    db,
    sql`select distinct on (r.channel, r.day) r.channel, r.day::text as day, r.id, r.registry_count, r.registry_sum,
               (select count(*) from reconciliation_items i where i.reconciliation_id = r.id)::int8 as differences,
               (select count(*) from reconciliation_items i where i.reconciliation_id = r.id and i.status = 'open')::int8 as open
        from reconciliations r where r.day between ${q.from}::date and ${q.to}::date
        order by r.channel, r.day, r.id desc`,
  );
  const out = [];
  for (const c of channels) {
    const a = adapterFor(c.channel)!;
    const ledger = await queryRows<{ day: string; count: number; sum: number }>(
      db,
      sql`select x.day, count(*)::int8 as count, sum(x.amount)::int8 as sum from (${creditedPayments(a)}) x
          where x.day between ${q.from} and ${q.to} group by 1`,
    );
    const byDay = new Map(ledger.map((l) => [l.day, l]));
    out.push({
      channel: c.channel,
      kind: a.kind,
      name: c.name,
      format: a.format,
      source: a.fromApi ? ('api' as const) : ('file' as const),
      days: days.map((day): ChannelDay => {
        const l = byDay.get(day);
        const r = recs.find((x) => x.channel === c.channel && x.day === day);
        return {
          day,
          ledger: { count: l?.count ?? 0, sum: l?.sum ?? 0 },
          reconciliation: r
            ? {
                id: r.id,
                registry: { count: r.registry_count, sum: r.registry_sum },
                differences: r.differences,
                open: r.open,
              }
            : null,
        };
      }),
    });
  }
  return { from: q.from, to: q.to, channels: out };
}
