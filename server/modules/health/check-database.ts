import { sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { withTimeout } from '../../lifecycle.js';

/** Readiness waits at most this long for the database (a load balancer's check times out soon after). */
export const READY_TIMEOUT_MS = 2000;

/** `select 1` within the time limit: whether the database answers, and how long it took. */
export async function checkDatabase(db: Db, timeoutMs = READY_TIMEOUT_MS): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  try {
    await withTimeout(db.execute(sql`select 1`), timeoutMs, 'database check');
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch {
    return { ok: false, ms: Math.round(performance.now() - started) };
  }
}
