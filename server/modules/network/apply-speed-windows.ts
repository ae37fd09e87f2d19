import { sql } from 'drizzle-orm';

import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import type { NasVendor, SpeedWindow } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { CoaSender } from '../../integrations/radius/coa-client.js';
import { profileOf, serviceState } from './authorize-access.js';
import { loadAccess } from './load-access.js';
import { speedAt } from './plan-speed.js';
import { loadCoaJobs, sendCoaJobs } from './send-coa.js';
import { coaAttributes, type NetworkNames } from './vendor-attributes.js';

/**
 * A plan's speed window (night, turbo hours) begins or ends (docs/network.md, "Plans on the network"):
 * every open session of its subscribers gets a CoA with the speed in force at `at`. Plans whose speed at
 * `at` differs from the minute before are the ones changing now (each in its region's local time); their
 * sessions are recorded (coa_requests, reason speed_window) in one transaction and sent after it. Run
 * once a minute (network.speed-windows); returns how many requests were sent.
 */
export async function applySpeedWindows(
  db: Db,
  o: { sender: CoaSender; appSecret: string | SecretKeys; names: NetworkNames; at: Date },
): Promise<number> {
  const plans = await queryRows<{
    tariff_id: number;
    windows: SpeedWindow[];
    down: number;
    up: number;
    time_zone: string;
  }>(
    db,
    sql`select tn.tariff_id, tn.speed_windows as windows, t.speed_down_kbps as down, t.speed_up_kbps as up, r.time_zone
        from tariff_network tn join tariffs t on t.id = tn.tariff_id join regions r on r.id = t.region_id
        where jsonb_array_length(tn.speed_windows) > 0`,
  );
  const before = new Date(o.at.getTime() - 60_000);
  const changing = plans
    .filter((p) => {
      const plan = { downKbps: Number(p.down), upKbps: Number(p.up), windows: p.windows, timeZone: p.time_zone };
      const a = speedAt(plan, before);
      const b = speedAt(plan, o.at);
      return a.downKbps !== b.downKbps || a.upKbps !== b.upKbps;
    })
    .map((p) => Number(p.tariff_id));
  if (changing.length === 0) return 0;
  const jobs = await inTransaction(db, async (tx) => {
    const sessions = await queryRows<{
      id: number;
      account_id: number;
      username: string;
      acct_session_id: string;
      framed_ip: string | null;
      nas_id: number;
      vendor: NasVendor;
    }>(
      tx,
      sql`select s.id, s.account_id, s.username, s.acct_session_id, host(s.framed_ip) as framed_ip, n.id as nas_id, n.vendor
          from radius_sessions s
          join nas n on n.address = s.nas_address and n.active
          join subscriptions sub on sub.account_id = s.account_id and sub.kind = 'tariff'
            and sub.tariff_id = any(${`{${changing.join(',')}}`}::int8[])
            and sub.starts_on <= current_date and (sub.ends_on is null or sub.ends_on >= current_date)
          where s.stopped_at is null`,
    );
    if (sessions.length === 0) return [];
    const entries = new Map(
      (await loadAccess(tx, [...new Set(sessions.map((s) => Number(s.account_id)))])).map((e) => [e.accountId, e]),
    );
    const rows = [];
    for (const s of sessions) {
      const entry = entries.get(Number(s.account_id));
      const profile = entry ? profileOf(entry) : null;
      if (!entry || !profile || !entry.plan?.windows.length) continue;
      rows.push({
        accountId: Number(s.account_id),
        sessionId: Number(s.id),
        nasId: Number(s.nas_id),
        attributes: [
          ['User-Name', s.username],
          ['Acct-Session-Id', s.acct_session_id],
          ...(s.framed_ip ? [['Framed-IP-Address', s.framed_ip]] : []),
          ...coaAttributes(s.vendor, serviceState(entry, profile, o.at), o.names),
        ],
      });
    }
    if (rows.length === 0) return [];
    const inserted = await queryRows<{ id: number }>(
      tx,
      sql`insert into coa_requests (account_id, session_id, nas_id, kind, reason, attributes)
          select "accountId", "sessionId", "nasId", 'coa', 'speed_window', attributes
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as x("accountId" int8, "sessionId" int8, "nasId" int4, attributes jsonb)
          returning id`,
    );
    return loadCoaJobs(tx, sql`r.id = any(${`{${inserted.map((r) => r.id).join(',')}}`}::int8[])`);
  });
  await sendCoaJobs(db, o.sender, o.appSecret, jobs);
  return jobs.length;
}
