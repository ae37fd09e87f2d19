import type { JobDefinition } from './queue.js';
import type { PeriodicTask } from './scheduler.js';
import { billingRunJob, billingScheduler } from './billing.job.js';

/** Every job the worker can run and every periodic task. Modules add theirs here. */
export const allJobs: JobDefinition[] = [billingRunJob];
export const periodicTasks: PeriodicTask[] = [billingScheduler];
