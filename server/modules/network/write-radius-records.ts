import { sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';

/**
 * One post-auth outcome (no password ever). `id` is given on receipt, so a repeat is stored once; it is
 * time-ordered (UUIDv7), so years of log append at the right edge of the key's index instead of touching
 * a random page of it per row (decision 0015).
 */
export interface AuthRecord {
  id: string;
  at: string;
  nas: string | null;
  username: string;
  accountId: number | null;
  result: 'accept' | 'reject';
  detail: string;
  csid: string | null;
}

/** One accounting record, reduced to its effect on the session row; or a NAS's Accounting-On/Off. */
export type AcctRecord =
  | {
      t: 's';
      nas: string;
      sid: string;
      user: string;
      accountId: number | null;
      ip: string | null;
      csid: string | null;
      port: string | null;
      start: string;
      at: string;
      stop: string | null;
      /** An Accounting Start (absent in records spooled by earlier versions: taken as not one). */
      first?: boolean;
      inB: number;
      outB: number;
      secs: number;
      cause: string | null;
    }
  | { t: 'nas'; nas: string; at: string };

/**
 * Writes post-auth records in one statement. Replayed ones (from the spool) may be stored already and are
 * skipped; fresh ones go in with a plain insert, a third less of the database's CPU per line than the
 * conflict check (`json`, not `jsonb`: parsed once, never stored).
 */
export async function writeAuthRecords(db: Db, records: AuthRecord[], replay = true): Promise<void> {
  if (records.length === 0) return;
  await db.execute(
    sql`insert into radius_auth_log (id, at, nas_address, username, account_id, result, detail, calling_station_id)
        select id, at, nas::inet, username, "accountId", result, detail, csid
        from json_to_recordset(${JSON.stringify(records)}::json)
          as x(id uuid, at timestamptz, nas text, username text, "accountId" int8, result text, detail text, csid text)
        ${replay ? sql`on conflict (id) do nothing` : sql``}`,
  );
}

type SessionRecord = Extract<AcctRecord, { t: 's' }>;

/** Two records of one session folded the way the database folds them (counters and times only grow). */
function merge(a: SessionRecord, b: SessionRecord): SessionRecord {
  const later = b.at >= a.at ? b : a;
  return {
    ...later,
    accountId: a.accountId ?? b.accountId,
    ip: later.ip ?? a.ip ?? b.ip,
    csid: a.csid ?? b.csid,
    port: a.port ?? b.port,
    start: a.start <= b.start ? a.start : b.start,
    at: later.at,
    stop: a.stop ?? b.stop,
    first: Boolean(a.first || b.first),
    inB: Math.max(a.inB, b.inB),
    outB: Math.max(a.outB, b.outB),
    secs: Math.max(a.secs, b.secs),
    cause: a.cause ?? b.cause,
  };
}

/**
 * A session id reused by the NAS (most number sessions from zero again after a reboot) starts a new
 * session (docs/network.md, "Sessions"): a Start after the stored session's Stop, or a record whose session
 * started more than REUSE_GAP_SECONDS after the last thing heard of the stored one. A record of one
 * session never does: its start (event time less Acct-Session-Time) is the session's start, which comes
 * before every record of it; the gap absorbs the NAS's rounding and transit.
 */
const REUSE_GAP_SECONDS = 30;
/** A record whose session started this long before the stored one's is a late record of an older session. */
const OLDER_SESSION_SECONDS = 120;

function startsNewSession(
  held: { start: string; at: string; stop: string | null },
  r: { start: string; first?: boolean },
): boolean {
  const start = Date.parse(r.start);
  const lastHeard = Math.max(Date.parse(held.at), held.stop ? Date.parse(held.stop) : 0);
  if (held.stop && r.first && start >= Date.parse(held.stop)) return true;
  return start > lastHeard + REUSE_GAP_SECONDS * 1000;
}

/**
 * Groups a batch's session records into sessions: by NAS, Acct-Session-Id and user name, then — in the
 * order they happened — a new session where the id was reused (startsNewSession). Returns them in
 * generations: the first session of each key, then the second one, … — each generation is written by
 * statements of its own, in order, so a reused id's new session comes after the old one it archives.
 */
export function sessionGenerations(records: SessionRecord[]): SessionRecord[][] {
  const byKey = new Map<string, SessionRecord[]>();
  for (const r of records) {
    const key = `${r.nas}\u0000${r.sid}\u0000${r.user}`;
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  const generations: SessionRecord[][] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    let g = 0;
    let current = list[0]!;
    for (const r of list.slice(1)) {
      if (startsNewSession(current, r)) {
        (generations[g++] ??= []).push(current);
        current = r;
      } else current = merge(current, r);
    }
    (generations[g] ??= []).push(current);
  }
  return generations;
}

/**
 * Applies accounting records to `radius_sessions` (one row per session): upserts by NAS, Acct-Session-Id
 * and user name (records of one session in the batch folded first), then Accounting-On/Off closing what
 * the NAS had open before it restarted. A session is also told apart by its start: when the NAS reuses a
 * session id (after a reboot), the stored session that started earlier is closed (NAS-Reboot, if still
 * open) and kept under `<id>#<start epoch>`, and the new one takes the id; a late record of such an older
 * session is stored under that archived key too. Monotonic and idempotent, so a spool flushed after an
 * outage, or twice, gives the same rows.
 */
export async function writeAcctRecords(db: Db, records: AcctRecord[]): Promise<void> {
  const sessions: SessionRecord[] = [];
  const nasEvents: Extract<AcctRecord, { t: 'nas' }>[] = [];
  for (const r of records) {
    if (r.t === 'nas') nasEvents.push(r);
    else sessions.push(r);
  }
  const generations = sessionGenerations(sessions);
  if (generations.length === 1 && nasEvents.length === 0) {
    await inTransaction(db, (tx) => writeGeneration(tx, generations[0]!));
    return;
  }
  await inTransaction(db, async (tx) => {
    for (const g of generations) await writeGeneration(tx, g);
    for (const e of nasEvents) {
      await tx.execute(
        sql`update radius_sessions set stopped_at = ${e.at}::timestamptz, terminate_cause = 'NAS-Reboot',
              updated_at = greatest(updated_at, ${e.at}::timestamptz)
            where nas_address = ${e.nas}::inet and stopped_at is null and started_at < ${e.at}::timestamptz`,
      );
    }
  });
}

/**
 * One session per key: a stored session the record's does not belong to (startsNewSession: the NAS reused
 * the id) is archived — closed (NAS-Reboot) if still open, and kept under `<id>#<its start epoch>` — then
 * the record is upserted; a late record of such an archived session goes to its archived row.
 */
async function writeGeneration(db: Db, rows: SessionRecord[]): Promise<void> {
  const json = JSON.stringify(rows);
  const x = sql`jsonb_to_recordset(${json}::jsonb)
    as x(nas text, sid text, "user" text, "accountId" int8, ip text, csid text, port text,
         start timestamptz, at timestamptz, stop timestamptz, first bool, "inB" int8, "outB" int8, secs int4, cause text)`;
  await db.execute(
    sql`update radius_sessions s
        set acct_session_id = s.acct_session_id || '#' || floor(extract(epoch from s.started_at))::int8,
            stopped_at = coalesce(s.stopped_at, least(s.updated_at, x.start)),
            terminate_cause = coalesce(s.terminate_cause, 'NAS-Reboot')
        from ${x}
        where s.nas_address = x.nas::inet and s.acct_session_id = x.sid and s.username = x."user"
          and ((s.stopped_at is not null and coalesce(x.first, false) and x.start >= s.stopped_at)
               or x.start > greatest(s.updated_at, coalesce(s.stopped_at, s.updated_at))
                            + make_interval(secs => ${REUSE_GAP_SECONDS}))`,
  );
  await db.execute(
    sql`insert into radius_sessions as s (nas_address, acct_session_id, username, account_id, framed_ip,
          calling_station_id, nas_port_id, started_at, updated_at, stopped_at, input_bytes, output_bytes,
          session_seconds, terminate_cause)
        select x.nas::inet,
               case when exists (select 1 from radius_sessions c
                                 where c.nas_address = x.nas::inet and c.acct_session_id = x.sid
                                   and c.username = x."user"
                                   and c.started_at > x.start + make_interval(secs => ${OLDER_SESSION_SECONDS}))
                    -- A late record of an older session: its archived row, when there is one.
                    then coalesce((select o.acct_session_id from radius_sessions o
                                   where o.nas_address = x.nas::inet and o.username = x."user"
                                     and o.acct_session_id = any(array(
                                       select x.sid || '#' || e from generate_series(
                                         floor(extract(epoch from x.start))::int8 - ${OLDER_SESSION_SECONDS},
                                         floor(extract(epoch from x.start))::int8 + ${OLDER_SESSION_SECONDS}) e))
                                   order by abs(extract(epoch from o.started_at - x.start)) limit 1), x.sid)
                    else x.sid end,
               x."user", x."accountId", x.ip::inet, x.csid, x.port, x.start, x.at, x.stop, x."inB", x."outB", x.secs, x.cause
        from ${x}
        on conflict (nas_address, acct_session_id, username) do update set
          account_id = coalesce(s.account_id, excluded.account_id),
          framed_ip = case when excluded.updated_at >= s.updated_at
                           then coalesce(excluded.framed_ip, s.framed_ip) else coalesce(s.framed_ip, excluded.framed_ip) end,
          calling_station_id = coalesce(s.calling_station_id, excluded.calling_station_id),
          nas_port_id = coalesce(s.nas_port_id, excluded.nas_port_id),
          started_at = least(s.started_at, excluded.started_at),
          updated_at = greatest(s.updated_at, excluded.updated_at),
          stopped_at = coalesce(s.stopped_at, excluded.stopped_at),
          input_bytes = greatest(s.input_bytes, excluded.input_bytes),
          output_bytes = greatest(s.output_bytes, excluded.output_bytes),
          session_seconds = greatest(s.session_seconds, excluded.session_seconds),
          terminate_cause = coalesce(s.terminate_cause, excluded.terminate_cause)`,
  );
}
