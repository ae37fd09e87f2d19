import { sql } from 'drizzle-orm';

import type { Database } from '../db/client.js';
import type { LiveSession } from '../modules/auth/sessions.js';
import { ReadCache } from './read-cache.js';

/** The channel post-migrate.sql's triggers notify when sessions, passwords or staff users change. */
export const CACHE_CHANNEL = 'abonent_cache';
/** The payload an Abonent process sends after it changed data (ReadCaches.changed): overviews start over. */
export const OVERVIEWS_CHANGED = 'overviews';

/** The app's read caches and their invalidation (docs/decisions/0005-read-caches.md). */
export class ReadCaches {
  /** Session token hash → principal. Unknown tokens are never cached (no memory for random probes). */
  readonly sessions: ReadCache<string, LiveSession>;
  /**
   * Account id → the cabinet's information block as the JSON bytes the route sends: checked against its
   * response schema, serialised and encoded once per load, not on every request (cabinet.routes.ts).
   */
  readonly overviews: ReadCache<number, Buffer>;
  private stopListening: (() => Promise<void>) | null = null;
  private closed = false;
  private sending: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    ttl: { sessionSeconds: number; overviewSeconds: number },
    /** Where changes are announced to the other processes (none: this process is alone). */
    private readonly database?: Database,
  ) {
    this.sessions = new ReadCache(ttl.sessionSeconds * 1000);
    this.overviews = new ReadCache(ttl.overviewSeconds * 1000);
  }

  /** This process changed something: nothing cached before may be served again. */
  clear(): void {
    this.sessions.clear();
    this.overviews.clear();
  }

  /**
   * This process changed data (a successful unsafe request, a finished job; called after the change
   * committed): clears its own caches and tells every other process sharing the database to drop
   * their overviews. Resolves once a notification sent after this call has committed, so another
   * process's next read misses its cache. Bursts share notifications: at most one is in flight and
   * one waits behind it, whatever the rate of changes. A failed notification is not the caller's
   * failure (the change is made); the others then fall back on the overview TTL.
   */
  changed(): Promise<void> {
    this.clear();
    return this.broadcast();
  }

  private broadcast(): Promise<void> {
    if (!this.database || this.closed) return Promise.resolve();
    if (this.queued) return this.queued;
    if (!this.sending) {
      this.sending = this.notifyOthers().finally(() => {
        this.sending = null;
      });
      return this.sending;
    }
    // One in flight may have been sent before this change committed: wait for the next one.
    this.queued = this.sending.then(() => {
      this.queued = null;
      return this.broadcast();
    });
    return this.queued;
  }

  private async notifyOthers(): Promise<void> {
    try {
      await this.database?.db.execute(sql`select pg_notify(${CACHE_CHANNEL}, ${OVERVIEWS_CHANGED})`);
    } catch {
      /* the database is closing or unreachable: the overview TTL is the backstop */
    }
  }

  /**
   * Follows the database's change notifications (other processes revoking sessions, changing
   * passwords or staff roles, or changing anything an overview shows). Until listening works, and
   * whenever it breaks, caching is off.
   */
  async listen(database: Database): Promise<void> {
    this.setEnabled(false);
    this.stopListening = await database.listen(CACHE_CHANNEL, {
      onNotify: (payload) => (payload === OVERVIEWS_CHANGED ? this.overviews.clear() : this.clear()),
      onListening: (on) => this.setEnabled(on),
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sending;
    await this.stopListening?.();
    this.stopListening = null;
  }

  private setEnabled(on: boolean) {
    this.sessions.setEnabled(on);
    this.overviews.setEnabled(on);
  }
}
