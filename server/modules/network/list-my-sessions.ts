import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { onlineCondition, sessionColumns, type SessionRow, toSessionView } from './session-rows.js';

const MAX_DAYS = 366;

/**
 * The subscriber's internet sessions and traffic for a period (the statistics page): sessions that
 * overlapped it, newest first (at most 500), totals, and traffic per day of each session's start, in the
 * region's time zone. Download is what the NAS sent to the subscriber (Acct-Output), upload what it
 * received (Acct-Input).
 */
export async function listMySessions(
  db: Db,
  accountId: number,
  q: { from: string; to: string; interimSeconds: number },
) {
  const from = Date.parse(`${q.from}T00:00:00Z`);
  const to = Date.parse(`${q.to}T00:00:00Z`);
  if (!Number.isFinite(from)) throw new AppError('bad_date', { value: q.from });
  if (!Number.isFinite(to)) throw new AppError('bad_date', { value: q.to });
  if (to < from || (to - from) / 86_400_000 > MAX_DAYS) throw new AppError('bad_period', { max: MAX_DAYS });
  const [tz] = await queryRows<{ tz: string }>(
    db,
    sql`select r.time_zone as tz from accounts a join regions r on r.id = a.region_id where a.id = ${accountId}`,
  );
  const zone = tz?.tz ?? 'UTC';
  const period = sql`s.account_id = ${accountId}
    and s.started_at < ((${q.to}::date + 1)::timestamp at time zone ${zone})
    and coalesce(s.stopped_at, s.updated_at) >= (${q.from}::date::timestamp at time zone ${zone})`;
  const [rows, totals, days, online] = await Promise.all([
    queryRows<SessionRow>(
      db,
      sql`select ${sessionColumns} from radius_sessions s left join nas n on n.address = s.nas_address
          where ${period} order by s.started_at desc limit 500`,
    ),
    queryRows<{ n: number; seconds: number; down: number; up: number }>(
      db,
      sql`select count(*)::int as n, coalesce(sum(session_seconds), 0)::int8 as seconds,
                 coalesce(sum(output_bytes), 0)::int8 as down, coalesce(sum(input_bytes), 0)::int8 as up
          from radius_sessions s where ${period}`,
    ),
    queryRows<{ day: string; down: number; up: number }>(
      db,
      sql`select to_char((s.started_at at time zone ${zone})::date, 'YYYY-MM-DD') as day,
                 sum(output_bytes)::int8 as down, sum(input_bytes)::int8 as up
          from radius_sessions s where ${period} group by 1 order by 1`,
    ),
    queryRows<{ ok: boolean }>(
      db,
      sql`select exists(select 1 from radius_sessions s
                        where s.account_id = ${accountId} and ${onlineCondition(q.interimSeconds)}) as ok`,
    ),
  ]);
  const t = totals[0]!;
  return {
    from: q.from,
    to: q.to,
    sessions: rows.map((r) => {
      const { nas: _nas, username: _user, ...v } = toSessionView(r);
      return v;
    }),
    totals: {
      sessions: Number(t.n),
      seconds: Number(t.seconds),
      downloadBytes: Number(t.down),
      uploadBytes: Number(t.up),
    },
    days: days.map((d) => ({ day: d.day, downloadBytes: Number(d.down), uploadBytes: Number(d.up) })),
    online: Boolean(online[0]?.ok),
  };
}
