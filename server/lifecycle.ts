/**
 * The process's life: ready → draining → stopped (docs/scale.md, "Graceful shutdown").
 *
 * - Readiness (`GET /api/health/ready`) answers 503 from the moment draining starts, so the load
 *   balancer stops sending new requests; requests that still arrive are served, with
 *   `Connection: close` so keep-alive clients move to another server.
 * - `signal` is aborted when draining starts: long jobs check it between steps and give their job back.
 * - Shutdown hooks run after HTTP stopped taking requests and every in-flight request finished
 *   (Fastify's onClose), and before the database is closed: anything buffered in memory (e.g. batched
 *   RADIUS accounting writes) is flushed there. Each hook gets the time left; they run one after
 *   another in the order registered, and a failing or slow hook does not stop the others.
 */
export type ShutdownHook = (ctx: { deadline: number; signal: AbortSignal }) => Promise<void>;

export type LifecycleState = 'ready' | 'draining' | 'stopped';

export class Lifecycle {
  private _state: LifecycleState = 'ready';
  private readonly controller = new AbortController();
  private readonly hooks: { name: string; fn: ShutdownHook }[] = [];
  private hooksRan: Promise<void> | null = null;
  /** Epoch ms by which shutdown must be over; set when draining starts. */
  deadline = Number.POSITIVE_INFINITY;

  constructor(private readonly log: (msg: string, extra?: object) => void = () => {}) {}

  get state(): LifecycleState {
    return this._state;
  }

  get draining(): boolean {
    return this._state !== 'ready';
  }

  /** Aborted when draining starts. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Registers work to do at shutdown (flush buffers, close clients). Returns the unregister. */
  onShutdown(name: string, fn: ShutdownHook): () => void {
    const entry = { name, fn };
    this.hooks.push(entry);
    return () => {
      const i = this.hooks.indexOf(entry);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** Stops being ready; `timeoutMs` bounds the whole shutdown. Idempotent. */
  beginDrain(timeoutMs: number): void {
    if (this._state !== 'ready') return;
    this._state = 'draining';
    this.deadline = Date.now() + timeoutMs;
    this.controller.abort(new Error('shutting down'));
  }

  /** Runs the shutdown hooks once (later calls wait for the first). */
  runHooks(): Promise<void> {
    this.hooksRan ??= this.runHooksOnce();
    return this.hooksRan;
  }

  private async runHooksOnce(): Promise<void> {
    for (const h of [...this.hooks]) {
      const left = this.deadline - Date.now();
      try {
        await withTimeout(
          h.fn({ deadline: this.deadline, signal: this.signal }),
          Number.isFinite(left) ? Math.max(left, 1) : null,
        );
      } catch (e) {
        this.log('shutdown hook failed', { hook: h.name, err: e instanceof Error ? e.message : String(e) });
      }
    }
    this._state = 'stopped';
  }
}

/** Resolves with `p`, or rejects after `ms` (null: no limit). The timer never keeps the process up. */
export async function withTimeout<T>(p: Promise<T>, ms: number | null, what = 'operation'): Promise<T> {
  if (ms === null) return p;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
