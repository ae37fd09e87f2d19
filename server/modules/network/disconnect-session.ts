import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { CoaSender } from '../../integrations/radius/coa-client.js';
import { recordAudit } from '../audit/record-audit.js';
import { loadCoaJobs, sendCoaJob } from './send-coa.js';

/**
 * Staff end a subscriber's session ("Отключить" on the subscriber card): a Disconnect-Request to the
 * session's NAS, recorded and audited first, sent after commit. Returns the NAS's answer.
 */
export async function disconnectSession(
  db: Db,
  sender: CoaSender,
  input: { accountId: number; sessionId: number },
  ctx: { staffId: number; ip?: string; appSecret: string | SecretKeys },
) {
  const id = await inTransaction(db, async (tx) => {
    const [s] = await queryRows<{
      id: number;
      username: string;
      acct_session_id: string;
      framed_ip: string | null;
      nas_id: number | null;
      stopped_at: string | null;
    }>(
      tx,
      sql`select s.id, s.username, s.acct_session_id, host(s.framed_ip) as framed_ip, n.id as nas_id, s.stopped_at
          from radius_sessions s left join nas n on n.address = s.nas_address
          where s.id = ${input.sessionId} and s.account_id = ${input.accountId}`,
    );
    if (!s || s.stopped_at) throw new AppError('session_not_online');
    if (!s.nas_id) throw new AppError('session_nas_unknown');
    const attributes: [string, string][] = [
      ['User-Name', s.username],
      ['Acct-Session-Id', s.acct_session_id],
      ...(s.framed_ip ? [['Framed-IP-Address', s.framed_ip] as [string, string]] : []),
    ];
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into coa_requests (account_id, session_id, nas_id, kind, reason, attributes, staff_id)
          values (${input.accountId}, ${s.id}, ${s.nas_id}, 'disconnect', 'staff', ${JSON.stringify(attributes)}::jsonb,
                  ${ctx.staffId})
          returning id`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: ctx.staffId,
      action: 'network.session.disconnect',
      entity: 'account',
      entityId: input.accountId,
      after: { sessionId: s.id, username: s.username, acctSessionId: s.acct_session_id },
      ip: ctx.ip,
    });
    return Number(row!.id);
  });
  const [job] = await loadCoaJobs(db, sql`r.id = ${id}`);
  const result = await sendCoaJob(db, sender, ctx.appSecret, job!);
  return { status: result.status, error: result.error ?? null };
}
