import { sql } from 'drizzle-orm';

import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import type { CoaKind, CoaResult, CoaSender } from '../../integrations/radius/coa-client.js';
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

/**
 * Sends one recorded request and writes its answer (outside any transaction: the NAS may take a
 * second to answer). A refused CoA (NAK) is followed by a Disconnect-Request for the same session, so
 * the subscriber's next connection gets the new state. Returns the result of the request itself.
 */
export async function sendCoaJob(
  db: Db,
  sender: CoaSender,
  appSecret: string | SecretKeys,
  job: CoaJob,
): Promise<CoaResult> {
  let result: CoaResult;
  try {
    const secret = decryptSecret('nas-secret', job.secretEnc, appSecret);
    result = await sender.send(job.kind, { address: job.nasAddress, port: job.coaPort, secret }, job.attributes);
  } catch (e) {
    result = { status: 'error', error: String(e), tries: 0 };
  }
  await db.execute(
    sql`update coa_requests set status = ${result.status}, attempts = attempts + ${Math.max(1, result.tries)},
          error = ${result.error?.slice(0, 200) ?? null},
          answered_at = case when ${result.status} in ('ack', 'nak') then now() else answered_at end
        where id = ${job.id}`,
  );
  if (job.kind === 'coa' && result.status === 'nak') {
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
      if (next) await sendCoaJob(db, sender, appSecret, next);
    }
  }
  return result;
}

/** Sends jobs with at most `parallel` in flight (one NAS slow to answer does not hold the others). */
export async function sendCoaJobs(
  db: Db,
  sender: CoaSender,
  appSecret: string | SecretKeys,
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
