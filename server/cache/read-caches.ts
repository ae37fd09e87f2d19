import type { Database } from '../db/client.js';
import type { LiveSession } from '../modules/auth/sessions.js';
import type { Overview } from '../modules/cabinet/get-overview.js';
import { ReadCache } from './read-cache.js';

/** The channel post-migrate.sql's triggers notify when sessions, passwords or staff users change. */
export const CACHE_CHANNEL = 'abonent_cache';

/** The app's read caches and their invalidation (docs/decisions/0005-read-caches.md). */
export class ReadCaches {
  /** Session token hash → principal. Unknown tokens are never cached (no memory for random probes). */
  readonly sessions: ReadCache<string, LiveSession>;
  /** Account id → the cabinet's information block. */
  readonly overviews: ReadCache<number, Overview>;
  private stopListening: (() => Promise<void>) | null = null;

  constructor(ttl: { sessionSeconds: number; overviewSeconds: number }) {
    this.sessions = new ReadCache(ttl.sessionSeconds * 1000);
    this.overviews = new ReadCache(ttl.overviewSeconds * 1000);
  }

  /** This process changed something: nothing cached before may be served again. */
  clear(): void {
    this.sessions.clear();
    this.overviews.clear();
  }

  /**
   * Follows the database's change notifications (other processes revoking sessions, changing
   * passwords or staff roles). Until listening works, and whenever it breaks, caching is off.
   */
  async listen(database: Database): Promise<void> {
    this.setEnabled(false);
    this.stopListening = await database.listen(CACHE_CHANNEL, {
      onNotify: () => this.clear(),
      onListening: (on) => this.setEnabled(on),
    });
  }

  async close(): Promise<void> {
    await this.stopListening?.();
    this.stopListening = null;
  }

  private setEnabled(on: boolean) {
    this.sessions.setEnabled(on);
    this.overviews.setEnabled(on);
  }
}
