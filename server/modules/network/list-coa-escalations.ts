import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';

/**
 * What the NAS did not apply and is left to staff (docs/network.md, "Events → CoA / Disconnect"): a
 * Disconnect-Request refused, or a request unanswered through every retry — the subscriber may still be
 * online with the old state (a debtor with access). Open items, oldest first, with the account, the
 * session and the NAS, for «Онлайн».
 */
export async function listCoaEscalations(db: Db, f: { regionId?: number }, regions: RegionScope) {
  const rows = await queryRows<{
    id: number;
    account_id: number;
    account_number: string | null;
    session_id: number;
    username: string | null;
    framed_ip: string | null;
    online: boolean;
    nas: string | null;
    kind: 'nak' | 'given_up';
    request_kind: 'coa' | 'disconnect';
    reason: string;
    error: string | null;
    created_at: Date | string;
  }>(
    db,
    sql`select e.id, e.account_id, a.number as account_number, e.session_id, s.username,
               host(s.framed_ip) as framed_ip, s.stopped_at is null as online,
               coalesce(n.name, host(s.nas_address)) as nas, e.kind, r.kind as request_kind, r.reason, e.error,
               e.created_at
        from coa_escalations e
        join coa_requests r on r.id = e.coa_request_id
        left join radius_sessions s on s.id = e.session_id
        left join accounts a on a.id = e.account_id
        left join nas n on n.id = e.nas_id
        where e.resolved_at is null and ${inRegions(regions, sql`a.region_id`)} ${f.regionId ? sql`and a.region_id = ${f.regionId}` : sql``}
        order by e.created_at, e.id
        limit 200`,
  );
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      accountId: Number(r.account_id),
      accountNumber: r.account_number,
      sessionId: Number(r.session_id),
      username: r.username,
      framedIp: r.framed_ip,
      online: Boolean(r.online),
      nas: r.nas,
      kind: r.kind,
      requestKind: r.request_kind,
      reason: r.reason,
      error: r.error,
      createdAt: new Date(r.created_at).toISOString(),
    })),
  };
}
