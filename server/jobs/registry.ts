import type { JobDefinition } from './queue.js';
import type { PeriodicTask } from './scheduler.js';

/** Every job the worker can run and every periodic task. Modules add theirs here. */
export const allJobs: JobDefinition[] = [];
export const periodicTasks: PeriodicTask[] = [];
