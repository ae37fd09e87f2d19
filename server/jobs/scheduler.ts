import type { z } from 'zod';

import type { Db } from '../db/client.js';
import { enqueue, type JobDefinition } from './queue.js';

/**
 * Periodic tasks. Every app process runs the same ticks; each task only *enqueues* jobs with a
 * deterministic key, so however many processes tick, each piece of work is queued once.
 */
export interface PeriodicTask {
  name: string;
  everySeconds: number;
  tick(db: Db, now: Date): Promise<void>;
}

/**
 * A task that enqueues `job` (empty payload) once per `everySeconds` slot of wall time: every process
 * ticks it, and the slot in the job's key lets only the first enqueue count.
 */
export function oncePerSlot(
  job: JobDefinition<z.ZodObject<Record<string, never>>>,
  everySeconds: number,
): PeriodicTask {
  return {
    name: job.name,
    everySeconds,
    tick: async (db, now) => {
      const slot = Math.floor(now.getTime() / (everySeconds * 1000));
      await enqueue(db, job, {}, { key: `${job.name}:${slot}` });
    },
  };
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
        task
          .tick(this.db, new Date())
          .catch((e) => this.log?.('scheduled task failed', { task: task.name, err: String(e) }));
      void run();
      this.timers.push(setInterval(() => void run(), task.everySeconds * 1000));
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
