import { and, asc, eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { regionOffices } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { getRegion } from '../catalog/catalog.js';

export type Office = typeof regionOffices.$inferSelect;

/** A region's offices (active only, unless `all`). */
export async function listOffices(
  db: Db,
  regionId: number,
  opts: { all?: boolean; regions?: RegionScope } = {},
): Promise<Office[]> {
  const rows = await db
    .select()
    .from(regionOffices)
    .where(and(eq(regionOffices.regionId, regionId), inRegions(opts.regions ?? 'all', regionOffices.regionId)))
    .orderBy(asc(regionOffices.id));
  return opts.all ? rows : rows.filter((o) => o.active);
}

export async function createOffice(
  db: Db,
  actor: { staffId: number; ip?: string | null },
  input: Omit<typeof regionOffices.$inferInsert, 'id'>,
): Promise<Office> {
  await getRegion(db, input.regionId);
  return inTransaction(db, async (tx) => {
    const [row] = await tx.insert(regionOffices).values(input).returning();
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'office.create',
      entity: 'office',
      entityId: row!.id,
      after: row,
      ip: actor.ip ?? null,
    });
    return row!;
  });
}

export async function updateOffice(
  db: Db,
  actor: { staffId: number; ip?: string | null },
  id: number,
  patch: Partial<Omit<typeof regionOffices.$inferInsert, 'id' | 'regionId'>>,
): Promise<Office> {
  return inTransaction(db, async (tx) => {
    const [before] = await tx.select().from(regionOffices).where(eq(regionOffices.id, id)).for('update');
    if (!before) throw new AppError('office_not_found');
    if (Object.keys(patch).length === 0) return before;
    const [after] = await tx.update(regionOffices).set(patch).where(eq(regionOffices.id, id)).returning();
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'office.update',
      entity: 'office',
      entityId: id,
      before,
      after,
      ip: actor.ip ?? null,
    });
    return after!;
  });
}
