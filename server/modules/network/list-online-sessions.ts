import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { onlineCondition, sessionColumns, type SessionRow, toSessionView } from './session-rows.js';

export interface OnlineFilter {
  regionId?: number;
  nasId?: number;
  /** A login, an account number or an IP address, exactly as shown (case-insensitive for logins). */
  q?: string;
  limit: number;
  offset: number;
}

/**
 * «Онлайн»: every session online now across the ISP (or one region / one NAS), newest first, with its
 * subscriber's account, and how many there are. Sessions of unknown users (no account) are listed too:
 * a NAS reporting them is worth seeing.
 */
export async function listOnlineSessions(
  db: Db,
  f: OnlineFilter,
  opts: { interimSeconds: number; regions: RegionScope },
) {
  const q = f.q?.trim().toLowerCase();
  const where = sql.join(
    [
      onlineCondition(opts.interimSeconds),
      // A session of no known account belongs to its NAS's region.
      inRegions(opts.regions, sql`coalesce(a.region_id, n.region_id)`),
      f.regionId ? sql`coalesce(a.region_id, n.region_id) = ${f.regionId}` : undefined,
      f.nasId ? sql`n.id = ${f.nasId}` : undefined,
      q ? sql`(lower(s.username) = ${q} or a.number = ${q} or host(s.framed_ip) = ${q})` : undefined,
    ].filter((c) => c !== undefined),
    sql` and `,
  );
  const from = sql`from radius_sessions s left join nas n on n.address = s.nas_address
                   left join accounts a on a.id = s.account_id`;
  const [rows, [total]] = await Promise.all([
    queryRows<SessionRow & { account_id: number | null; account_number: string | null }>(
      db,
      sql`select ${sessionColumns}, a.id as account_id, a.number as account_number ${from} where ${where}
          order by s.started_at desc, s.id desc limit ${f.limit} offset ${f.offset}`,
    ),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n ${from} where ${where}`),
  ]);
  return {
    total: total?.n ?? 0,
    sessions: rows.map((r) => ({
      ...toSessionView(r),
      accountId: r.account_id === null ? null : Number(r.account_id),
      accountNumber: r.account_number,
    })),
  };
}
