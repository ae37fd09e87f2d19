import { eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { regions, supportCategories } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';

export interface CategoryInput {
  regionId: number | null;
  code: string;
  nameRu: string;
  nameEn: string;
  firstResponseMinutes: number;
  resolutionHours: number;
  isClaim: boolean;
  sortOrder: number;
  active: boolean;
}

/** Admin: adds a category (common or a region's own) or changes one; audited. Codes are unique per list. */
export async function saveCategory(db: Db, opts: { id?: number; input: CategoryInput; staffId: number; ip?: string }) {
  return inTransaction(db, async (tx) => {
    if (opts.input.regionId !== null) {
      const [r] = await tx.select({ id: regions.id }).from(regions).where(eq(regions.id, opts.input.regionId));
      if (!r) throw new AppError('region_not_found');
    }
    let before: unknown = null;
    let row: typeof supportCategories.$inferSelect | undefined;
    try {
      if (opts.id === undefined) {
        [row] = await tx.insert(supportCategories).values(opts.input).returning();
      } else {
        [before] = await tx.select().from(supportCategories).where(eq(supportCategories.id, opts.id)).for('update');
        if (!before) throw new AppError('support_category_not_found');
        [row] = await tx.update(supportCategories).set(opts.input).where(eq(supportCategories.id, opts.id)).returning();
      }
    } catch (e) {
      if (
        (e as { cause?: { code?: string }; code?: string }).cause?.code === '23505' ||
        (e as { code?: string }).code === '23505'
      ) {
        throw new AppError('conflict', { details: `code ${opts.input.code}` });
      }
      throw e;
    }
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: opts.id === undefined ? 'support.category.create' : 'support.category.update',
      entity: 'support_category',
      entityId: row!.id,
      before,
      after: row,
      ip: opts.ip,
    });
    return row!;
  });
}
