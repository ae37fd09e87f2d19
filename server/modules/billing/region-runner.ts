import { AppError } from '../../../common/errors.js';
import { type Db, dbOnConnection, poolOf } from '../../db/client.js';

/**
 * One billing runner per region at a time (docs/decisions/0007-billing-runner-lock.md).
 *
 * PostgreSQL: a SESSION-level advisory lock (BILLING_RUNNER_LOCK, region id) held on a connection of
 * the runner's own for the whole run, and every statement of the run goes through that connection. A
 * runner that dies (SIGKILL, a lost server, a dropped network) loses its connection, and with it the
 * lock, at once — no lease to wait out — and nothing of its run can still be executing afterwards,
 * because its statements ran on the same connection. `client_connection_check_interval` makes the
 * server notice a dead client even while the runner waits on a row lock. A second runner waits for the
 * lock (up to `waitSeconds`, then `billing_busy`) and then continues from where the first stopped.
 *
 * PGlite (one process, one connection): an in-process queue per region gives the same order. The
 * queue is used on PostgreSQL too, so runners of one process wait in memory rather than each holding
 * a pooled connection.
 */
export const BILLING_RUNNER_LOCK = 72_401_002;
export const DEFAULT_RUNNER_WAIT_SECONDS = 600;

const queues = new WeakMap<object, Map<number, Promise<void>>>();

export async function withRegionRunner<T>(
  db: Db,
  regionId: number,
  opts: { waitSeconds?: number },
  fn: (db: Db) => Promise<T>,
): Promise<T> {
  const owner = (db as unknown as { $client?: object }).$client ?? db;
  let byRegion = queues.get(owner);
  if (!byRegion) {
    byRegion = new Map<number, Promise<void>>();
    queues.set(owner, byRegion);
  }
  const before = byRegion.get(regionId) ?? Promise.resolve();
  let done!: () => void;
  const mine = before.then(() => new Promise<void>((resolve) => (done = resolve)));
  byRegion.set(regionId, mine);
  await before;
  try {
    const pool = poolOf(db);
    return pool
      ? await underAdvisoryLock(pool, regionId, opts.waitSeconds ?? DEFAULT_RUNNER_WAIT_SECONDS, fn)
      : await fn(db);
  } finally {
    done();
    if (byRegion.get(regionId) === mine) byRegion.delete(regionId);
  }
}

async function underAdvisoryLock<T>(
  pool: NonNullable<ReturnType<typeof poolOf>>,
  regionId: number,
  waitSeconds: number,
  fn: (db: Db) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(
      `select set_config('application_name', 'abonent billing runner', false),
              set_config('client_connection_check_interval', '2s', false),
              set_config('lock_timeout', $1, false)`,
      [`${Math.max(1, Math.round(waitSeconds))}s`],
    );
    try {
      await client.query('select pg_advisory_lock($1, $2)', [BILLING_RUNNER_LOCK, regionId]);
    } catch (e) {
      if ((e as { code?: string }).code === '55P03') throw new AppError('billing_busy', { region: regionId });
      throw e;
    }
    await client.query(`select set_config('lock_timeout', '0', false)`);
    return await fn(dbOnConnection(client));
  } finally {
    await client.query('select pg_advisory_unlock($1, $2)', [BILLING_RUNNER_LOCK, regionId]).catch(() => {});
    // Closed, not returned to the pool: the session settings above must not leak into other work.
    client.release(true);
  }
}
