import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { type NasVendor, NETWORK_EVENT_KINDS } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { profileOf, serviceState } from './authorize-access.js';
import { loadAccess } from './load-access.js';
import { COA_JOB_COLUMNS, type CoaJob, coaJobOf, type CoaJobRow } from './send-coa.js';
import { coaAttributes, type NetworkNames, profileChangeBy, type RadiusAttribute } from './vendor-attributes.js';

const BATCH = 500;

/** Events after which the session must end: the next connection gets the new state. */
const DISCONNECT_KINDS = new Set(['suspended', 'terminated', 'static_ip_assigned', 'static_ip_released']);
/** Events that move a session between the normal and the redirect profile. */
const PROFILE_KINDS = new Set(['blocked', 'unblocked', 'resumed']);

interface OpenSession {
  id: number;
  account_id: number;
  username: string;
  acct_session_id: string;
  framed_ip: string | null;
  nas_id: number;
  vendor: NasVendor;
}

/**
 * Turns account events the network acts on (docs/network.md, "Events → CoA / Disconnect") into
 * coa_requests for every open session of the accounts — however long since the NAS last reported it: a
 * session the NAS no longer has answers "no such session" and is closed then (send-coa.ts) — in one
 * transaction: the events are claimed with SKIP
 * LOCKED and marked `network_at`, so each is handled once however many servers run this. The state
 * sent is the account's state now (status, plan speed), not the event's: several events of one
 * account become one request per session. Sending happens after commit (never inside a transaction).
 */
export async function claimNetworkEvents(
  db: Db,
  opts: { names: NetworkNames },
): Promise<{ events: number; jobs: CoaJob[] }> {
  return inTransaction(db, async (tx) => {
    // Claimed and marked in one statement (each round trip is felt when thousands are blocked at once).
    const events = await queryRows<{ id: number; account_id: number; kind: string; at: Date | string }>(
      tx,
      sql`update account_events e set network_at = now()
          from (select id from account_events
                where network_at is null and kind in (${sql.join(
                  NETWORK_EVENT_KINDS.map((k) => sql`${k}`),
                  sql`, `,
                )})
                order by id limit ${BATCH}
                for update skip locked) p
          where e.id = p.id
          returning e.id, e.account_id, e.kind, e.at`,
    );
    if (events.length === 0) return { events: 0, jobs: [] };
    const kinds = new Map<number, Set<string>>();
    const since = new Map<number, number>();
    for (const e of events) {
      const id = Number(e.account_id);
      if (!kinds.has(id)) kinds.set(id, new Set());
      kinds.get(id)!.add(e.kind);
      const at = new Date(e.at).getTime();
      since.set(id, Math.min(since.get(id) ?? at, at));
    }
    const ids = [...kinds.keys()];
    const sessions = await queryRows<OpenSession>(
      tx,
      sql`select s.id, s.account_id, s.username, s.acct_session_id, host(s.framed_ip) as framed_ip,
                 n.id as nas_id, n.vendor
          from radius_sessions s join nas n on n.address = s.nas_address
          where s.account_id = any(${`{${ids.join(',')}}`}::int8[]) and s.stopped_at is null`,
    );
    if (sessions.length === 0) return { events: events.length, jobs: [] };
    const state = new Map((await loadAccess(tx, ids)).map((e) => [e.accountId, e]));
    const rows: { s: OpenSession; kind: 'coa' | 'disconnect'; reason: string; attrs: RadiusAttribute[] }[] = [];
    for (const s of sessions) {
      const accountId = Number(s.account_id);
      const k = kinds.get(accountId)!;
      const entry = state.get(accountId);
      const profile = entry ? profileOf(entry) : null;
      const id: RadiusAttribute[] = [
        ['User-Name', s.username],
        ['Acct-Session-Id', s.acct_session_id],
        ...(s.framed_ip ? [['Framed-IP-Address', s.framed_ip] as RadiusAttribute] : []),
      ];
      const reason = [...k].sort().join(',');
      const mustEnd = [...k].some((x) => DISCONNECT_KINDS.has(x));
      const profileMoves = [...k].some((x) => PROFILE_KINDS.has(x));
      if (!entry || !profile || mustEnd || (profileMoves && profileChangeBy(s.vendor) === 'disconnect')) {
        rows.push({ s, kind: 'disconnect', reason, attrs: id });
      } else {
        const service = coaAttributes(s.vendor, serviceState(entry, profile, new Date()), opts.names);
        rows.push({ s, kind: 'coa', reason, attrs: [...id, ...service] });
      }
    }
    // Recorded and read back with their NAS in one statement.
    const inserted = await queryRows<CoaJobRow>(
      tx,
      sql`with r as (
          insert into coa_requests (account_id, session_id, nas_id, kind, reason, attributes)
          select "accountId", "sessionId", "nasId", kind, reason, attributes
          from jsonb_to_recordset(${JSON.stringify(
            rows.map((r) => ({
              accountId: Number(r.s.account_id),
              sessionId: Number(r.s.id),
              nasId: Number(r.s.nas_id),
              kind: r.kind,
              reason: r.reason,
              attributes: r.attrs,
            })),
          )}::jsonb) as x("accountId" int8, "sessionId" int8, "nasId" int4, kind text, reason text, attributes jsonb)
          returning *)
          select ${COA_JOB_COLUMNS} from r join nas n on n.id = r.nas_id order by r.id`,
    );
    const jobs = inserted.map(coaJobOf);
    for (const j of jobs) j.eventAt = since.get(j.accountId) ?? null;
    return { events: events.length, jobs };
  });
}
