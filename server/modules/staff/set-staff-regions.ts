import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { staffUsers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';

/** A staff user's regions as stored: every region, or a list (docs/auth.md, "Regions"). */
export function regionColumns(regions: RegionScope): { allRegions: boolean; regionIds: number[] } {
  return regions === 'all'
    ? { allRegions: true, regionIds: [] }
    : { allRegions: false, regionIds: [...new Set(regions)].sort((a, b) => a - b) };
}

/** The regions of a staff row, as the API shows them. */
export const regionsOf = (u: { allRegions: boolean; regionIds: number[] }): 'all' | number[] =>
  u.allRegions ? 'all' : u.regionIds.map(Number);

/** Refuses ids of regions that do not exist. */
export async function assertRegionsExist(db: Db, regions: RegionScope): Promise<void> {
  if (regions === 'all' || regions.length === 0) return;
  const ids = [...new Set(regions)];
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from regions where id = any(${`{${ids.join(',')}}`}::int8[])`,
  );
  if ((row?.n ?? 0) !== ids.length) throw new AppError('region_not_found');
}

/**
 * Sets the regions whose subscribers a staff user sees (admin action, audited). Takes effect on the
 * user's next request: the change clears every process's session cache (staff_users trigger).
 */
export async function setStaffRegions(
  db: Db,
  opts: { id: number; regions: RegionScope; actor: { staffId: number; ip?: string } },
) {
  await assertRegionsExist(db, opts.regions);
  return inTransaction(db, async (tx) => {
    const [before] = await tx.select().from(staffUsers).where(eq(staffUsers.id, opts.id)).for('update');
    if (!before) throw new AppError('not_found');
    const [after] = await tx
      .update(staffUsers)
      .set(regionColumns(opts.regions))
      .where(eq(staffUsers.id, opts.id))
      .returning();
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.actor.staffId,
      action: 'staff.regions',
      entity: 'staff',
      entityId: opts.id,
      before: { regions: regionsOf(before) },
      after: { regions: regionsOf(after!) },
      ip: opts.actor.ip,
    });
    return after!;
  });
}
