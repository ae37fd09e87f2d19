import { and, asc, eq, isNull, or } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { regions, supportCannedReplies } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';

/** Ready answers: for a region (its own and the common ones, active), or all of them (admin screen). */
export async function listCannedReplies(db: Db, opts: { regionId?: number; all?: boolean }) {
  return db
    .select()
    .from(supportCannedReplies)
    .where(
      and(
        opts.regionId === undefined
          ? undefined
          : or(isNull(supportCannedReplies.regionId), eq(supportCannedReplies.regionId, opts.regionId)),
        opts.all ? undefined : eq(supportCannedReplies.active, true),
      ),
    )
    .orderBy(asc(supportCannedReplies.regionId), asc(supportCannedReplies.title));
}

export interface CannedInput {
  regionId: number | null;
  title: string;
  body: string;
  active: boolean;
}

/** Admin: adds or changes a ready answer; audited. Retire one with `active: false`. */
export async function saveCannedReply(db: Db, opts: { id?: number; input: CannedInput; staffId: number; ip?: string }) {
  return inTransaction(db, async (tx) => {
    if (opts.input.regionId !== null) {
      const [r] = await tx.select({ id: regions.id }).from(regions).where(eq(regions.id, opts.input.regionId));
      if (!r) throw new AppError('region_not_found');
    }
    let before: unknown = null;
    let row: typeof supportCannedReplies.$inferSelect | undefined;
    if (opts.id === undefined) {
      [row] = await tx.insert(supportCannedReplies).values(opts.input).returning();
    } else {
      [before] = await tx.select().from(supportCannedReplies).where(eq(supportCannedReplies.id, opts.id));
      if (!before) throw new AppError('not_found');
      [row] = await tx
        .update(supportCannedReplies)
        .set(opts.input)
        .where(eq(supportCannedReplies.id, opts.id))
        .returning();
    }
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: opts.id === undefined ? 'support.canned.create' : 'support.canned.update',
      entity: 'support_canned_reply',
      entityId: row!.id,
      before,
      after: row,
      ip: opts.ip,
    });
    return row!;
  });
}
