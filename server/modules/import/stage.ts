import { sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { Problem, StagePayment, StageSubscriber } from './normalize.js';

/**
 * Rows go into the staging tables a batch per statement, as one JSON parameter (the same on PGlite and
 * PostgreSQL, no per-row round trip), and every check and write afterwards is SQL over whole tables.
 */
export async function resetStage(db: Db): Promise<void> {
  await db.execute(sql`truncate import_stage_subscribers, import_stage_payments`);
}

export async function stageSubscribers(db: Db, rows: StageSubscriber[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(
    sql`insert into import_stage_subscribers
          (seq, source_id, ref, problem, full_name, address, phone, email, passport_enc, passport_last4, contract,
           account_number, region_code, tariff_code, personal_fee, addons, status, login, password_enc, mac, ip,
           balance, credit_limit, signed_on, closed_on)
        select seq, source_id, ref, problem, full_name, address, phone, email, passport_enc, passport_last4, contract,
               account_number, region_code, tariff_code, personal_fee, addons, status, login, password_enc, mac, ip,
               balance, credit_limit, signed_on, closed_on
        from json_populate_recordset(null::import_stage_subscribers, ${JSON.stringify(rows)}::json)`,
  );
}

/** Payment times are the source's local times: they become moments in the mapping's time zone. */
export async function stagePayments(db: Db, rows: StagePayment[], timeZone: string): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(
    sql`insert into import_stage_payments (seq, source_id, subscriber_source_id, ref, paid_at, amount, kind, method, comment)
        select seq, source_id, subscriber_source_id, ref, at::timestamp at time zone ${timeZone}, amount, kind, method, comment
        from json_to_recordset(${JSON.stringify(rows)}::json)
          as x(seq int, source_id text, subscriber_source_id text, ref text, at text, amount int8, kind text,
               method text, comment text)`,
  );
}

export async function insertProblems(db: Db, runId: number, problems: Problem[]): Promise<void> {
  for (let i = 0; i < problems.length; i += 5_000) {
    const chunk = problems.slice(i, i + 5_000).map((p) => ({
      severity: p.severity,
      ref: p.ref,
      source_id: p.sourceId,
      reason: p.reason,
      detail: p.detail?.slice(0, 500) ?? null,
    }));
    await db.execute(
      sql`insert into import_problems (run_id, severity, ref, source_id, reason, detail)
          select ${runId}, severity, ref, source_id, reason, detail
          from json_to_recordset(${JSON.stringify(chunk)}::json)
            as x(severity text, ref text, source_id text, reason text, detail text)`,
    );
  }
}

/**
 * Runs an import step in one transaction without PostgreSQL's JIT: the checks and bulk writes are big
 * one-off statements over whole staging tables, and compiling them cost more than running them (7 s
 * of a 7.7 s check at 30 000 subscribers). More memory for their sorts and hashes, too. Then it lets
 * the event loop turn: on the embedded PGlite (one connection) back-to-back transactions would
 * otherwise keep every other request of the process waiting until the whole import is done.
 */
export async function importStep<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const out = await inTransaction(db, async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    return fn(tx);
  });
  await new Promise((resolve) => setImmediate(resolve));
  return out;
}
