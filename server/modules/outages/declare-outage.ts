import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { selectAccounts } from '../bulk/select-accounts.js';
import { areaFilter, checkArea, type OutageArea } from './outage-area.js';
import { sendOutageNotice } from './outage-notice.js';

/**
 * Staff declare an outage (docs/outages.md): its area, what subscribers read, the start (past, or
 * future for planned works) and the estimated end. In one transaction the affected subscribers are
 * fixed (the area's bulk selection), each is told once through the outbox, and it is audited.
 */
export async function declareOutage(
  db: Db,
  opts: {
    area: OutageArea;
    title: string;
    description: string;
    startsAt: string;
    expectedEndAt: string;
    scope: RegionScope;
    staffId: number;
    ip?: string | null;
  },
): Promise<{ id: number; accounts: number }> {
  const startsAt = new Date(opts.startsAt);
  const expectedEndAt = new Date(opts.expectedEndAt);
  if (!(expectedEndAt > startsAt)) throw new AppError('outage_bad_times');
  await checkArea(db, opts.area, opts.scope);
  return inTransaction(db, async (tx) => {
    const [o] = await queryRows<{ id: number; time_zone: string }>(
      tx,
      sql`insert into outages (region_id, scope, street, houses, nas_id, title, description, starts_at, expected_end_at,
                               notified_end_at, notices, created_by)
          select ${opts.area.regionId}, ${opts.area.scope}, ${opts.area.scope === 'address' ? (opts.area.street ?? null) : null},
                 ${opts.area.scope === 'address' ? opts.area.houses || null : null}, ${opts.area.scope === 'nas' ? (opts.area.nasId ?? null) : null},
                 ${opts.title}, ${opts.description}, ${startsAt.toISOString()}::timestamptz, ${expectedEndAt.toISOString()}::timestamptz,
                 ${expectedEndAt.toISOString()}::timestamptz, 1, ${opts.staffId}
          returning id, (select time_zone from regions where id = ${opts.area.regionId}) as time_zone`,
    );
    const id = Number(o!.id);
    const [n] = await queryRows<{ n: number }>(
      tx,
      sql`with ins as (
            insert into outage_accounts (outage_id, account_id)
            select ${id}, account_id from (${selectAccounts(areaFilter(opts.area), opts.scope)}) s
            returning 1)
          select count(*)::int8 as n from ins`,
    );
    const accounts = Number(n?.n ?? 0);
    const sent = await sendOutageNotice(tx, {
      id,
      title: opts.title,
      description: opts.description,
      expectedEndAt,
      timeZone: o!.time_zone,
      update: false,
    });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      ip: opts.ip ?? null,
      action: 'outage.declared',
      entity: 'outage',
      entityId: id,
      after: {
        area: opts.area,
        title: opts.title,
        startsAt: startsAt.toISOString(),
        expectedEndAt: expectedEndAt.toISOString(),
        accounts,
        notices: { inbox: sent.inbox, email: sent.email, sms: sent.sms },
      },
    });
    return { id, accounts };
  });
}
