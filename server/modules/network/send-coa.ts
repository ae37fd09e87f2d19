import { sql } from 'drizzle-orm';

import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import type { CoaKind, CoaResult, CoaSender } from '../../integrations/radius/coa-client.js';
import { coaApplySeconds, coaDuration, coaNaks, coaRequests } from '../../metrics/metrics.js';
import { decryptSecret } from './network-crypto.js';

/** A CoA / Disconnect-Request recorded in `coa_requests` and ready to send. */
export interface CoaJob {
  id: number;
  accountId: number;
  sessionId: number;
  kind: CoaKind;
  reason: string;
  nasAddress: string;
  coaPort: number;
  secretEnc: string;
  attributes: [string, string | number][];
  /** When the account event behind it happened (ms), for the apply-time metric; null on a retry. */
  eventAt?: number | null;
}

/** A coa_requests row (`r`) with its NAS (`n`), as a CoaJob is read. */
export const COA_JOB_COLUMNS = sql`r.id, r.account_id, r.session_id, r.kind, r.reason, host(n.address) as address,
  n.coa_port, n.secret_enc, r.attributes`;

export interface CoaJobRow {
  id: number;
  account_id: number;
  session_id: number;
  kind: CoaKind;
  reason: string;
  address: string;
  coa_port: number;
  secret_enc: string;
  attributes: [string, string | number][];
}

export function coaJobOf(r: CoaJobRow): CoaJob {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    sessionId: Number(r.session_id),
    kind: r.kind,
    reason: r.reason,
    nasAddress: r.address,
    coaPort: Number(r.coa_port),
    secretEnc: r.secret_enc,
    attributes: r.attributes,
  };
}

/** The coa_requests rows to (re)send, with their NAS; the caller picks them by a condition. */
export async function loadCoaJobs(db: Db, where: ReturnType<typeof sql>): Promise<CoaJob[]> {
  const rows = await queryRows<CoaJobRow>(
    db,
    sql`select ${COA_JOB_COLUMNS}
        from coa_requests r join nas n on n.id = r.nas_id
        where ${where}
        order by r.id`,
  );
  return rows.map(coaJobOf);
}

/** A NAS's "no such session" (RFC 5176 §3.6, Error-Cause 503): the session is not on the NAS any more. */
export function sessionGone(r: CoaResult): boolean {
  return r.status === 'nak' && (r.error === 'Session-Context-Not-Found' || r.error === '503');
}

/**
 * Sends one recorded request and writes its answer (outside any transaction: the NAS may take a second
 * to answer), then acts on it — see sendCoaJobs. Returns the result of the request itself.
 */
export async function sendCoaJob(
  db: Db,
  sender: CoaSender,
  appSecret: string | SecretKeys,
  job: CoaJob,
): Promise<CoaResult> {
  return (await sendCoaJobs(db, sender, appSecret, [job]))[0]!;
}

/** One request sent: its answer, counted in the metrics. */
async function send(sender: CoaSender, appSecret: string | SecretKeys, job: CoaJob): Promise<CoaResult> {
  let result: CoaResult;
  const started = performance.now();
  try {
    const secret = decryptSecret('nas-secret', job.secretEnc, appSecret);
    result = await sender.send(job.kind, { address: job.nasAddress, port: job.coaPort, secret }, job.attributes);
  } catch (e) {
    result = { status: 'error', error: String(e), tries: 0 };
  }
  coaRequests.inc({ kind: job.kind, outcome: result.status });
  if (result.status === 'ack' || result.status === 'nak') {
    coaDuration.observe({ kind: job.kind }, (performance.now() - started) / 1000);
  }
  if (result.status === 'nak') coaNaks.inc({ kind: job.kind, error_cause: errorCauseLabel(result.error) });
  if (result.status === 'ack' && job.eventAt)
    coaApplySeconds.observe({ kind: job.kind }, (Date.now() - job.eventAt) / 1000);
  return result;
}

/**
 * Sends recorded requests, at most `parallel` in flight (one NAS slow to answer does not hold the
 * others), and writes their answers in batches — a statement per batch, not per request: a daily run that
 * blocks thousands of accounts reaches their NAS in seconds (bench:radius, coa_p99_ms). Then acts
 * on them (docs/network.md, "Events → CoA / Disconnect"):
 * - a refused CoA (NAK) is followed by a Disconnect-Request for the same session, so the subscriber's next
 *   connection gets the new state;
 * - a Disconnect-NAK "no such session" closes the session row (the NAS has nothing to cut); any other
 *   Disconnect-NAK leaves the session to staff (coa_escalations);
 * - an ACK resolves what was left to staff for that session.
 * Returns each request's result, in order.
 */
export async function sendCoaJobs(
  db: Db,
  sender: CoaSender,
  appSecret: string | SecretKeys,
  jobs: CoaJob[],
  parallel = 128,
): Promise<CoaResult[]> {
  const results: CoaResult[] = new Array<CoaResult>(jobs.length);
  let answered: { job: CoaJob; result: CoaResult }[] = [];
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    const batch = answered;
    answered = [];
    if (batch.length > 0) writing = writing.then(() => recordAnswers(db, sender, appSecret, batch));
  };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const result = await send(sender, appSecret, jobs[i]!);
      results[i] = result;
      answered.push({ job: jobs[i]!, result });
      if (answered.length >= 200) write();
    }
  };
  // Written as they come, in the background, while the sending goes on: every 50 ms.
  const timer = setInterval(write, 50);
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  } finally {
    clearInterval(timer);
    write();
    await writing;
  }
  return results;
}

/** Writes a batch of answers, and acts on them (sendCoaJobs). */
async function recordAnswers(
  db: Db,
  sender: CoaSender,
  appSecret: string | SecretKeys,
  batch: { job: CoaJob; result: CoaResult }[],
): Promise<void> {
  await db.execute(
    sql`update coa_requests r set status = x.status, attempts = r.attempts + x.tries, error = x.error,
          answered_at = case when x.status in ('ack', 'nak') then now() else r.answered_at end
        from jsonb_to_recordset(${JSON.stringify(
          batch.map(({ job, result }) => ({
            id: job.id,
            status: result.status,
            tries: Math.max(1, result.tries),
            error: result.error?.slice(0, 200) ?? null,
          })),
        )}::jsonb) as x(id int8, status text, tries int2, error text)
        where r.id = x.id`,
  );
  const ids = (f: (b: { job: CoaJob; result: CoaResult }) => boolean, of: (j: CoaJob) => number) =>
    `{${batch
      .filter(f)
      .map((b) => of(b.job))
      .join(',')}}`;
  const acked = batch.filter((b) => b.result.status === 'ack');
  if (acked.length > 0) {
    await db.execute(
      sql`update coa_escalations e set resolved_at = now(), resolution = 'acknowledged'
          from jsonb_to_recordset(${JSON.stringify(acked.map((b) => ({ s: b.job.sessionId, r: b.job.id })))}::jsonb)
            as x(s int8, r int8)
          where e.resolved_at is null and e.session_id = x.s and e.coa_request_id < x.r`,
    );
  }
  const gone = batch.filter((b) => b.job.kind === 'disconnect' && sessionGone(b.result));
  if (gone.length > 0) {
    await db.execute(
      sql`update radius_sessions set stopped_at = updated_at, terminate_cause = 'Lost-Service'
          where id = any(${ids(
            (b) => gone.includes(b),
            (j) => j.sessionId,
          )}::int8[]) and stopped_at is null`,
    );
  }
  for (const b of batch) {
    if (b.job.kind === 'disconnect' && b.result.status === 'nak' && !sessionGone(b.result)) {
      await escalate(db, b.job, 'nak', b.result.error ?? null);
    }
  }
  const refused = batch.filter((b) => b.job.kind === 'coa' && b.result.status === 'nak');
  if (refused.length > 0) {
    const fallbacks = await queryRows<{ id: number; session_id: number }>(
      db,
      sql`insert into coa_requests (account_id, session_id, nas_id, kind, reason, attributes, staff_id)
          select account_id, session_id, nas_id, 'disconnect', 'coa_refused',
                 (select coalesce(jsonb_agg(a), '[]'::jsonb) from jsonb_array_elements(attributes) a
                  where a->>0 in ('User-Name', 'Acct-Session-Id', 'Framed-IP-Address')),
                 staff_id
          from coa_requests where id = any(${ids(
            (b) => refused.includes(b),
            (j) => j.id,
          )}::int8[])
          returning id, session_id`,
    );
    const eventAt = new Map(refused.map((b) => [b.job.sessionId, b.job.eventAt]));
    const next = await loadCoaJobs(db, sql`r.id = any(${`{${fallbacks.map((f) => f.id).join(',')}}`}::int8[])`);
    for (const j of next) j.eventAt = eventAt.get(j.sessionId) ?? null;
    await sendCoaJobs(db, sender, appSecret, next);
  }
}

/** Leaves a request that did not take effect on the NAS to staff (once per request). */
export async function escalate(db: Db, job: CoaJob, kind: 'nak' | 'given_up', error: string | null): Promise<void> {
  await db.execute(
    sql`insert into coa_escalations (coa_request_id, account_id, session_id, nas_id, kind, error)
        select r.id, r.account_id, r.session_id, r.nas_id, ${kind}, ${error?.slice(0, 200) ?? null}
        from coa_requests r where r.id = ${job.id}
        on conflict (coa_request_id) do nothing`,
  );
}

/** Error-Cause as a metric label: the RFC 5176 names the package decodes, else the number, else "none". */
function errorCauseLabel(error: string | undefined): string {
  if (!error) return 'none';
  return /^[A-Za-z-]{1,40}$|^\d{1,4}$/.test(error) ? error : 'other';
}
