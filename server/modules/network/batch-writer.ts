import type { Spool } from './spool.js';

export interface BatchWriterOptions<T> {
  name: string;
  /**
   * Writes a batch in one statement. `replay` is true for records drained from the spool: they may be
   * in the database already (a write that timed out after its commit), so the write must skip them.
   * Fresh records have never been written.
   */
  write(records: T[], replay: boolean): Promise<void>;
  spool: Spool<T>;
  /** Records per statement (default 1000). */
  maxBatch?: number;
  /** A write slower than this counts as failed and its records go to the spool (default 3000 ms). */
  writeTimeoutMs?: number;
  /** While the database is down: how often to try draining the spool (default 2000 ms). */
  retryMs?: number;
  /**
   * How long the first record of a batch waits for others before the write starts (default 0). Only for
   * records nobody waits on (`log`): fewer, larger statements cost the database and this process less.
   */
  lingerMs?: number;
  log?: (msg: string, extra?: object) => void;
}

interface Waiting<T> {
  record: T;
  done(err?: unknown): void;
}

/**
 * Group commit for RADIUS records (post-auth, accounting): `add` resolves once its record is durable —
 * in the database, or, while the database is unreachable, in the append-only spool. Records that
 * arrive while a write is in flight form the next batch, so under load each statement carries many
 * records and when idle each record is written at once. After a failed write the writer goes straight
 * to the spool and keeps trying to drain it in the background; the first successful drain brings it
 * back to the database.
 */
export class BatchWriter<T> {
  private queue: Waiting<T>[] = [];
  private flushing: Promise<void> | null = null;
  private down = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private closed = false;
  /** Records written to the database and to the spool, since start. */
  readonly stats = { written: 0, spooled: 0, drained: 0, batches: 0 };

  constructor(private readonly o: BatchWriterOptions<T>) {}

  /** Starts by draining whatever a previous run left in the spool. */
  start(): void {
    this.scheduleDrain(0);
  }

  get databaseDown(): boolean {
    return this.down;
  }

  /** Records this writer put in the spool and no drain has written yet (the spool-depth metric). */
  get spoolBacklog(): number {
    return Math.max(0, this.stats.spooled - this.stats.drained);
  }

  add(record: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.o.name} writer is closed`));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        record,
        done: (err) => (err ? reject(err instanceof Error ? err : new Error('write failed')) : resolve()),
      });
      this.startFlush();
    });
  }

  /**
   * Queues a record without waiting for it (post-auth outcomes: the Access-Accept does not wait for its
   * log line). It is written within `lingerMs` plus one write, spooled if the database is down, and
   * flushed by `close`; only a process killed outright loses what was still queued.
   */
  log(record: T): void {
    if (this.closed) return this.lost(new Error(`${this.o.name} writer is closed`));
    // No promise per record: thousands of these a second are queued by the RADIUS API.
    this.queue.push({ record, done: this.lost });
    this.startFlush();
  }

  private readonly lost = (err?: unknown): void => {
    if (err) this.o.log?.(`${this.o.name}: record lost`, { err: err instanceof Error ? err.message : 'write failed' });
  };

  private startFlush() {
    if (this.flushing) return;
    const linger = this.o.lingerMs ?? 0;
    this.flushing =
      linger > 0 && !this.closed
        ? new Promise<void>((r) => setTimeout(r, linger)).then(() => this.flush())
        : this.flush();
  }

  /** Writes everything queued, then tries to drain the spool once more: the shutdown hook. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    while (this.flushing) await this.flushing;
    await this.draining;
    if (!this.down) await this.drainOnce().catch(() => {});
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.o.maxBatch ?? 1000);
        const records = batch.map((w) => w.record);
        let stored = false;
        if (!this.down) {
          try {
            await withTimeout(this.o.write(records, false), this.o.writeTimeoutMs ?? 3000);
            this.stats.written += records.length;
            this.stats.batches++;
            stored = true;
          } catch (e) {
            this.o.log?.(`${this.o.name}: database write failed, spooling`, { err: String(e) });
            this.goDown();
          }
        }
        if (!stored) {
          try {
            await this.o.spool.append(records);
            this.stats.spooled += records.length;
          } catch (e) {
            // Neither the database nor the disk: FreeRADIUS gets an error and the NAS sends again.
            for (const w of batch) w.done(e);
            continue;
          }
        }
        for (const w of batch) w.done();
      }
    } finally {
      this.flushing = null;
    }
  }

  private goDown() {
    if (this.down) return;
    this.down = true;
    this.scheduleDrain(this.o.retryMs ?? 2000);
  }

  private scheduleDrain(ms: number) {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.draining = this.drainOnce()
        .then(async () => {
          // Back to the database; what was spooled while the drain ran is drained next.
          this.down = false;
          if (await this.o.spool.hasBacklog()) this.scheduleDrain(0);
        })
        .catch((e: unknown) => {
          this.o.log?.(`${this.o.name}: spool drain failed, will retry`, { err: String(e) });
          this.down = true;
          this.scheduleDrain(this.o.retryMs ?? 2000);
        })
        .finally(() => {
          this.draining = null;
        });
    }, ms);
    this.retryTimer.unref();
  }

  private async drainOnce(): Promise<void> {
    const n = await this.o.spool.drain(
      (records) => withTimeout(this.o.write(records, true), this.o.writeTimeoutMs ?? 3000),
      this.o.maxBatch ?? 1000,
    );
    this.stats.drained += n;
    if (n > 0) this.o.log?.(`${this.o.name}: wrote ${n} spooled records`);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
