import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { JobState } from '../../db/schema/index.js';
import type { JobView } from './jobs.schemas.js';

interface JobRow {
  id: number;
  name: string;
  key: string | null;
  payload: Record<string, unknown>;
  state: JobState;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  created_at: string | Date;
  run_at: string | Date;
  finished_at: string | Date | null;
}

const iso = (v: string | Date) => new Date(v).toISOString();

export function toJobView(r: JobRow): JobView {
  return {
    id: r.id,
    name: r.name,
    key: r.key,
    payload: r.payload ?? {},
    state: r.state,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lastError: r.last_error,
    createdAt: iso(r.created_at),
    runAt: iso(r.run_at),
    finishedAt: r.finished_at ? iso(r.finished_at) : null,
  };
}

export const jobColumns = sql`id, name, key, payload, state, attempts, max_attempts, last_error, created_at, run_at, finished_at`;

/** Jobs in one state (dead by default: what an admin must look at), the latest first, one page. */
export async function listJobs(
  db: Db,
  q: { state: JobState; name?: string; page: number; pageSize: number },
): Promise<{ jobs: JobView[]; page: number; pageSize: number; total: number }> {
  const where = sql`state = ${q.state} ${q.name ? sql`and name = ${q.name}` : sql``}`;
  const [rows, [count]] = await Promise.all([
    queryRows<JobRow>(
      db,
      sql`select ${jobColumns} from jobs where ${where}
          order by coalesce(finished_at, run_at) desc, id desc
          limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`,
    ),
    queryRows<{ n: number }>(db, sql`select count(*)::int8 as n from jobs where ${where}`),
  ]);
  return { jobs: rows.map(toJobView), page: q.page, pageSize: q.pageSize, total: Number(count?.n ?? 0) };
}
