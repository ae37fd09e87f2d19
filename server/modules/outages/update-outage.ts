import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { shouldRenotify } from '../../../common/outages.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { loadOutage } from './load-outage.js';
import { sendOutageNotice } from './outage-notice.js';

/**
 * Changes an open outage's texts or its expected end. The banner shows the change at once; the
 * subscribers are told again only when the end moves later by OUTAGE_RENOTIFY_MINUTES or more than
 * what they were last told (common/outages.ts, docs/outages.md): not for every small update.
 */
export async function updateOutage(
  db: Db,
  opts: {
    id: number;
    title?: string;
    description?: string;
    expectedEndAt?: string;
    scope: RegionScope;
    staffId: number;
    ip?: string | null;
  },
): Promise<{ renotified: boolean }> {
  return inTransaction(db, async (tx) => {
    const o = await loadOutage(tx, opts.id, opts.scope, { lock: true });
    if (o.state !== 'open') throw new AppError('outage_closed');
    const end = opts.expectedEndAt ? new Date(opts.expectedEndAt) : new Date(o.expected_end_at);
    if (!(end > new Date(o.starts_at))) throw new AppError('outage_bad_times');
    const title = opts.title ?? o.title;
    const description = opts.description ?? o.description;
    const renotify = opts.expectedEndAt !== undefined && shouldRenotify(o.notified_end_at, end);
    await tx.execute(
      sql`update outages set title = ${title}, description = ${description},
            expected_end_at = ${end.toISOString()}::timestamptz, updated_at = now(),
            notified_end_at = case when ${renotify} then ${end.toISOString()}::timestamptz else notified_end_at end,
            notices = notices + case when ${renotify} then 1 else 0 end
          where id = ${o.id}`,
    );
    if (renotify)
      await sendOutageNotice(tx, {
        id: o.id,
        title,
        description,
        expectedEndAt: end,
        timeZone: o.time_zone,
        update: true,
      });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      ip: opts.ip ?? null,
      action: 'outage.updated',
      entity: 'outage',
      entityId: o.id,
      before: { title: o.title, description: o.description, expectedEndAt: new Date(o.expected_end_at).toISOString() },
      after: { title, description, expectedEndAt: end.toISOString(), renotified: renotify },
    });
    return { renotified: renotify };
  });
}
