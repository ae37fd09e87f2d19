import { sql } from 'drizzle-orm';

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

/** The coa_requests rows to (re)send, with their NAS; the caller picks them by a condition. */
export async function loadCoaJobs(db: Db, where: ReturnType<typeof sql>): Promise<CoaJob[]> {
  const rows = await queryRows<{
    id: number;
    account_id: number;
    session_id: number;
    kind: CoaKind;
    reason: string;
    address: string;
    coa_port: number;
    secret_enc: string;
    attributes: [string, string | number][];
  }>(
    db,
    sql`select r.id, r.account_id, r.session_id, r.kind, r.reason, host(n.address) as address, n.coa_port,
               n.secret_enc, r.attributes
        from coa_requests r join nas n on n.id = r.nas_id
        where ${where}
        order by r.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    accountId: Number(r.account_id),
    sessionId: Number(r.session_id),
    kind: r.kind,
    reason: r.reason,
    nasAddress: r.address,
    coaPort: Number(r.coa_port),
    secretEnc: r.secret_enc,
    attributes: r.attributes,
  }));
}

/** A NAS's "no such session" (RFC 5176 §3.6, Error-Cause 503): the session is not on the NAS any more. */
export function sessionGone(r: CoaResult): boolean {
  return r.status === 'nak' && (r.error === 'Session-Context-Not-Found' || r.error === '503');
}

/**
 * Sends one recorded request and writes its answer (outside any transaction: the NAS may take a second
 * to answer), then acts on it (docs/network.md, "Events → CoA / Disconnect"):
 * - a refused CoA (NAK) is followed by a Disconnect-Request for the same session, so the subscriber's next
 *   connection gets the new state;
 * - a Disconnect-NAK "no such session" closes the session row (the NAS has nothing to cut); any other
 *   Disconnect-NAK leaves the session to staff (coa_escalations);
 * - an ACK resolves what was left to staff for that session.
 * Returns the result of the request itself.
 */
export async function sendCoaJob(db: Db, sender: CoaSender, appSecret: string, job: CoaJob): Promise<CoaResult> {
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
  await db.execute(
    sql`update coa_requests set status = ${result.status}, attempts = attempts + ${Math.max(1, result.tries)},
          error = ${result.error?.slice(0, 200) ?? null},
          answered_at = case when ${result.status} in ('ack', 'nak') then now() else answered_at end
        where id = ${job.id}`,
  );
  if (result.status === 'ack') {
    await db.execute(
      sql`update coa_escalations set resolved_at = now(), resolution = 'acknowledged'
          where session_id = ${job.sessionId} and resolved_at is null and coa_request_id < ${job.id}`,
    );
  } else if (job.kind === 'disconnect' && sessionGone(result)) {
    await db.execute(
      sql`update radius_sessions set stopped_at = updated_at, terminate_cause = 'Lost-Service'
          where id = ${job.sessionId} and stopped_at is null`,
    );
  } else if (job.kind === 'disconnect' && result.status === 'nak') {
    await escalate(db, job, 'nak', result.error ?? null);
  } else if (job.kind === 'coa' && result.status === 'nak') {
    const [fallback] = await queryRows<{ id: number }>(
      db,
      sql`insert into coa_requests (account_id, session_id, nas_id, kind, reason, attributes, staff_id)
          select account_id, session_id, nas_id, 'disconnect', 'coa_refused',
                 (select coalesce(jsonb_agg(a), '[]'::jsonb) from jsonb_array_elements(attributes) a
                  where a->>0 in ('User-Name', 'Acct-Session-Id', 'Framed-IP-Address')),
                 staff_id
          from coa_requests where id = ${job.id}
          returning id`,
    );
    if (fallback) {
      const [next] = await loadCoaJobs(db, sql`r.id = ${fallback.id}`);
      if (next) await sendCoaJob(db, sender, appSecret, { ...next, eventAt: job.eventAt });
    }
  }
  return result;
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

/** Sends jobs with at most `parallel` in flight (one NAS slow to answer does not hold the others). */
export async function sendCoaJobs(
  db: Db,
  sender: CoaSender,
  appSecret: string,
  jobs: CoaJob[],
  parallel = 32,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      await sendCoaJob(db, sender, appSecret, job);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
}
