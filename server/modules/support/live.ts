import { sql } from 'drizzle-orm';

import type { Database, Db } from '../../db/client.js';

/** The PostgreSQL channel every app process LISTENs on for support changes (docs/support.md, Live). */
export const SUPPORT_CHANNEL = 'abonent_support';

export interface SupportEvent {
  ticketId: number;
  accountId: number;
  regionId: number;
  kind: 'created' | 'message' | 'note' | 'status' | 'assigned';
  /** False for what only staff may know about (a note): subscribers' streams skip it. */
  subscriber: boolean;
}

/**
 * Tells every app process that a ticket changed. NOTIFY inside the caller's transaction is delivered
 * at commit (and never on rollback), so listeners only hear of changes that happened. The payload
 * carries ids only: a stream turns it into "refetch", and everyone reads through the normal API.
 */
export async function publishSupportEvent(db: Db, e: SupportEvent): Promise<void> {
  await db.execute(sql`select pg_notify(${SUPPORT_CHANNEL}, ${JSON.stringify(e)})`);
}

/**
 * One LISTEN per process, fanned out to the open event streams of that process. On PostgreSQL an
 * event written by any process reaches streams connected to any other; PGlite is one process.
 */
export class SupportLive {
  private readonly listeners = new Set<(e: SupportEvent) => void>();
  private unlisten: (() => Promise<void>) | null = null;
  /** Whether LISTEN works now; streams tell their clients to fall back to polling while it does not. */
  listening = false;

  async start(database: Database): Promise<void> {
    this.unlisten = await database.listen(SUPPORT_CHANNEL, {
      onNotify: (payload) => {
        let e: SupportEvent;
        try {
          e = JSON.parse(payload) as SupportEvent;
        } catch {
          return;
        }
        for (const l of this.listeners) l(e);
      },
      onListening: (on) => {
        this.listening = on;
      },
    });
  }

  subscribe(listener: (e: SupportEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    await this.unlisten?.();
    this.unlisten = null;
  }
}
