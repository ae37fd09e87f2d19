import { eq, sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { networkAccess } from '../../db/schema/index.js';
import { onlineCondition, sessionColumns, type SessionRow, toSessionView } from './session-rows.js';

/** Option 82 values are kept as hex of their bytes; shown as text when printable, else as 0x…. */
export function option82Text(hex: string | null): string | null {
  if (!hex) return null;
  const text = Buffer.from(hex, 'hex').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) ? text : `0x${hex}`;
}

/**
 * The subscriber card's network block: how the account connects, its sessions online now (with the
 * disconnect action), the last sessions, and the latest CoA / Disconnect-Requests and post-auth results.
 */
export async function showAccountNetwork(db: Db, accountId: number, opts: { interimSeconds: number }) {
  const [access] = await db.select().from(networkAccess).where(eq(networkAccess.accountId, accountId));
  const [online, recent, coa, auth] = await Promise.all([
    queryRows<SessionRow>(
      db,
      sql`select ${sessionColumns} from radius_sessions s left join nas n on n.address = s.nas_address
          where s.account_id = ${accountId} and ${onlineCondition(opts.interimSeconds)}
          order by s.started_at desc limit 20`,
    ),
    queryRows<SessionRow>(
      db,
      sql`select ${sessionColumns} from radius_sessions s left join nas n on n.address = s.nas_address
          where s.account_id = ${accountId} order by s.started_at desc limit 20`,
    ),
    queryRows<{
      id: number;
      kind: 'coa' | 'disconnect';
      reason: string;
      status: 'pending' | 'ack' | 'nak' | 'timeout' | 'error';
      error: string | null;
      attempts: number;
      created_at: Date | string;
      answered_at: Date | string | null;
    }>(
      db,
      sql`select id, kind, reason, status, error, attempts, created_at, answered_at from coa_requests
          where account_id = ${accountId} order by id desc limit 20`,
    ),
    queryRows<{
      at: Date | string;
      result: 'accept' | 'reject';
      detail: string;
      username: string;
      calling_station_id: string | null;
    }>(
      db,
      sql`select at, result, detail, username, calling_station_id from radius_auth_log
          where account_id = ${accountId} order by at desc limit 20`,
    ),
  ]);
  return {
    access: access
      ? {
          accessType: access.accessType,
          login: access.login,
          macBinding: access.macBinding,
          hasPassword: Boolean(access.passwordEnc),
          mac: access.mac,
          option82RemoteId: option82Text(access.opt82RemoteId),
          option82CircuitId: option82Text(access.opt82CircuitId),
          staticIp: access.staticIp,
        }
      : null,
    online: online.map(toSessionView),
    recentSessions: recent.map(toSessionView),
    coa: coa.map((c) => ({
      id: Number(c.id),
      kind: c.kind,
      reason: c.reason,
      status: c.status,
      error: c.error,
      attempts: Number(c.attempts),
      createdAt: new Date(c.created_at).toISOString(),
      answeredAt: c.answered_at ? new Date(c.answered_at).toISOString() : null,
    })),
    authLog: auth.map((a) => ({
      at: new Date(a.at).toISOString(),
      result: a.result,
      detail: a.detail,
      username: a.username,
      mac: a.calling_station_id,
    })),
  };
}
