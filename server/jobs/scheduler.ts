import type { Db } from '../db/client.js';

/**
 * Periodic tasks. Every app process runs the same ticks; each task only *enqueues* jobs with a
 * deterministic key, so however many processes tick, each piece of work is queued once.
 */
export interface PeriodicTask {
  name: string;
  everySeconds: number;
  tick(db: Db, now: Date): Promise<void>;
}

export class Scheduler {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly db: Db,
    private readonly tasks: PeriodicTask[],
    private readonly log?: (msg: string, extra?: object) => void,
  ) {}

  start(): void {
    for (const task of this.tasks) {
      const run = () =>
        task.tick(this.db, new Date()).catch((e) => this.log?.('scheduled task failed', { task: task.name, err: String(e) }));
      void run();
      this.timers.push(setInterval(run, task.everySeconds * 1000));
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
