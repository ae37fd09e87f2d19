import { sql } from 'drizzle-orm';

import { type Database, queryRows } from '../../db/client.js';
import type { NetworkDirectory } from './directory.js';
import type { AcctRecord } from './write-radius-records.js';

/**
 * Simultaneous-Use (docs/network.md, "Plans on the network"): the open sessions of accounts whose plan
 * limits them, in memory, so an Access-Request is still answered without a query. Read from the database
 * every RADIUS_RELOAD_SECONDS (sessions heard of within three interim intervals: one whose Stop was lost
 * stops counting then) and kept current by the accounting records this process writes. A request from
 * the device of an open session (the same Calling-Station-Id: a router dialing again before its old
 * session's Stop came) is not counted against itself. Another Abonent process learns of a session from
 * its own records or its next read; FreeRADIUS sends a subscriber's requests to one endpoint while it
 * answers, so that is where the count is right.
 */
export class OpenSessions {
  private byAccount = new Map<number, Map<string, string | null>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly database: Database,
    private readonly directory: NetworkDirectory,
    private readonly o: { interimSeconds: number; reloadSeconds: number; log?: (msg: string, extra?: object) => void },
  ) {}

  start(): void {
    const tick = (): void => {
      this.reload().catch((e: unknown) => this.o.log?.('open sessions reload failed', { err: String(e) }));
    };
    void tick();
    this.timer = setInterval(tick, this.o.reloadSeconds * 1000);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Open sessions of accounts on a plan with a session limit. */
  async reload(): Promise<void> {
    const rows = await queryRows<{
      account_id: number;
      nas: string;
      sid: string;
      username: string;
      csid: string | null;
    }>(
      this.database.db,
      sql`select s.account_id, host(s.nas_address) as nas, s.acct_session_id as sid, s.username,
                 s.calling_station_id as csid
          from radius_sessions s
          where s.stopped_at is null
            and s.updated_at > now() - make_interval(secs => ${this.o.interimSeconds * 3})
            and s.account_id in (
              select sub.account_id from subscriptions sub join tariff_network tn on tn.tariff_id = sub.tariff_id
              where tn.max_sessions is not null and sub.kind = 'tariff'
                and sub.starts_on <= current_date and (sub.ends_on is null or sub.ends_on >= current_date))`,
    );
    const next = new Map<number, Map<string, string | null>>();
    for (const r of rows) {
      const id = Number(r.account_id);
      let m = next.get(id);
      if (!m) next.set(id, (m = new Map<string, string | null>()));
      m.set(`${r.nas}|${r.sid}|${r.username}`, r.csid);
    }
    this.byAccount = next;
  }

  /** After accounting records are stored: a Start or Interim opens, a Stop closes (limited plans only). */
  record(records: readonly AcctRecord[]): void {
    for (const r of records) {
      if (r.t !== 's' || r.accountId === null) continue;
      if (!this.directory.byAccountId(r.accountId)?.plan?.maxSessions && !this.byAccount.has(r.accountId)) continue;
      const key = `${r.nas}|${r.sid}|${r.user}`;
      let m = this.byAccount.get(r.accountId);
      if (r.stop) {
        m?.delete(key);
        if (m?.size === 0) this.byAccount.delete(r.accountId);
        continue;
      }
      if (!m) this.byAccount.set(r.accountId, (m = new Map<string, string | null>()));
      m.set(key, r.csid);
    }
  }

  /** Open sessions of the account, not counting those of the device asking (`csid`, normalised MAC). */
  count(accountId: number, csid: string | null): number {
    const m = this.byAccount.get(accountId);
    if (!m) return 0;
    let n = 0;
    for (const c of m.values()) if (!csid || c !== csid) n++;
    return n;
  }
}
