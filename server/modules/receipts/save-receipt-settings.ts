import { eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { receiptSettings, type ReceiptSno, regions } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { type AdvanceVat, defaultVat, vatFitsSno } from './vat.js';

export interface ReceiptSettingsInput {
  enabled: boolean;
  groupCode: string;
  inn: string;
  paymentAddress: string;
  sno: ReceiptSno;
  /** VAT of the top-up (advance) item; default: by the tax system (defaultVat). */
  vat?: AdvanceVat;
  companyEmail: string;
}

/**
 * Creates or replaces a region's online cash register settings; audited with before/after. The VAT
 * must fit the tax system (osn pays VAT: "no VAT" is refused); without one, the system's default.
 */
export async function saveReceiptSettings(db: Db, regionId: number, input: ReceiptSettingsInput, staffId: number) {
  if (!/^(\d{10}|\d{12})$/.test(input.inn)) throw new AppError('validation_failed', { details: 'inn' });
  const vat = input.vat ?? defaultVat(input.sno);
  if (!vatFitsSno(input.sno, vat)) throw new AppError('receipt_vat_mismatch', { sno: input.sno, vat });
  return db.transaction(async (tx) => {
    const [region] = await tx.select({ id: regions.id }).from(regions).where(eq(regions.id, regionId));
    if (!region) throw new AppError('region_not_found');
    const [before] = await tx.select().from(receiptSettings).where(eq(receiptSettings.regionId, regionId));
    const values = { ...input, vat, regionId, updatedAt: new Date() };
    const [row] = await tx
      .insert(receiptSettings)
      .values(values)
      .onConflictDoUpdate({ target: receiptSettings.regionId, set: values })
      .returning();
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: staffId,
      action: 'receipts.settings',
      entity: 'region',
      entityId: regionId,
      before: before ?? null,
      after: row,
    });
    return toView(row!);
  });
}

export async function getReceiptSettings(db: Db, regionId: number) {
  const [row] = await db.select().from(receiptSettings).where(eq(receiptSettings.regionId, regionId));
  if (!row) throw new AppError('not_found');
  return toView(row);
}

function toView(r: typeof receiptSettings.$inferSelect) {
  return {
    regionId: r.regionId,
    enabled: r.enabled,
    groupCode: r.groupCode,
    inn: r.inn,
    paymentAddress: r.paymentAddress,
    sno: r.sno,
    vat: r.vat ?? defaultVat(r.sno),
    companyEmail: r.companyEmail,
  };
}
