import type { EventEmitter } from 'node:events';

import type { RunningJob } from './jobs/queue.js';

/** What the handlers need from the process: a logger, the worker (what was running), a way to stop. */
export interface CrashHandlerDeps {
  log: {
    error(obj: object, msg: string): void;
    fatal(obj: object, msg: string): void;
  };
  /** The in-process job worker, when this process runs one. */
  worker?: { runningJobs(): RunningJob[]; recordCrash(err: unknown): Promise<void> } | null;
  /** Graceful stop (HTTP, worker, database) and exit with the code. */
  shutdown(reason: string, exitCode: number): Promise<void>;
  /** Hard exit when the graceful stop hangs (default: process.exit after 10 s). */
  forceExit?: (code: number) => void;
  graceMs?: number;
}

/**
 * The last line of defence (docs/decisions/0008-crash-policy.md). Integration code catches library
 * errors at its boundary; what still escapes is logged here with what the process was doing:
 *
 * - `unhandledRejection`: logged with the running jobs, and the process **keeps running**. A promise
 *   that rejects with nobody awaiting it is an operation that already failed on its own; nothing was
 *   left half-done on the stack, and its job (if any) ends by its own error or lease.
 * - `uncaughtException`: logged with the running jobs, which also keep it as their last error; then
 *   the process **stops gracefully and exits 1** for its supervisor to restart. After a synchronous
 *   throw nobody caught, the process state is unknown (Node's own advice: do not resume). A job that
 *   keeps doing this is taken over after its lease, counted, and parked as dead after its attempts.
 */
export function installCrashHandlers(deps: CrashHandlerDeps, proc: EventEmitter = process): void {
  const running = () => deps.worker?.runningJobs() ?? [];
  proc.on('unhandledRejection', (reason: unknown) => {
    deps.log.error({ err: reason, runningJobs: running() }, 'unhandled promise rejection (the process keeps running)');
  });
  let stopping = false;
  proc.on('uncaughtException', (err: Error, origin: string) => {
    deps.log.fatal({ err, origin, runningJobs: running() }, 'uncaught exception: stopping this process');
    if (stopping) return;
    stopping = true;
    const force = deps.forceExit ?? ((code: number) => process.exit(code));
    setTimeout(() => force(1), deps.graceMs ?? 10_000).unref();
    void (async () => {
      try {
        await deps.worker?.recordCrash(err);
      } catch (e) {
        deps.log.error({ err: e }, 'could not record the crash on the running jobs');
      }
      await deps.shutdown('uncaughtException', 1);
    })();
  });
}
