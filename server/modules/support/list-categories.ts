import { and, asc, eq, isNull, or } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { supportCategories } from '../../db/schema/index.js';

/** A region's list: the common categories and the region's own, active ones only unless `all`. */
export async function listRegionCategories(db: Db, regionId: number, opts: { all?: boolean } = {}) {
  return db
    .select()
    .from(supportCategories)
    .where(
      and(
        or(isNull(supportCategories.regionId), eq(supportCategories.regionId, regionId)),
        opts.all ? undefined : eq(supportCategories.active, true),
      ),
    )
    .orderBy(asc(supportCategories.sortOrder), asc(supportCategories.id));
}

/** Every category (admin screen): common ones first, then by region. */
export async function listAllCategories(db: Db) {
  return db
    .select()
    .from(supportCategories)
    .orderBy(asc(supportCategories.regionId), asc(supportCategories.sortOrder), asc(supportCategories.id));
}

/** A category the region's subscribers may choose now, or null. */
export async function findRegionCategory(db: Db, regionId: number, categoryId: number) {
  const [c] = await db
    .select()
    .from(supportCategories)
    .where(
      and(
        eq(supportCategories.id, categoryId),
        eq(supportCategories.active, true),
        or(isNull(supportCategories.regionId), eq(supportCategories.regionId, regionId)),
      ),
    );
  return c ?? null;
}
