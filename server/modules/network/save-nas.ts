import { and, eq, ne, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import type { Db } from '../../db/client.js';
import { nas, type NasVendor, regions } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { encryptSecret } from './network-crypto.js';
import { uniqueViolation } from './unique-violation.js';

export interface NasInput {
  regionId: number;
  name: string;
  address: string;
  secret: string;
  vendor: NasVendor;
  coaPort: number;
  active: boolean;
  description: string;
}

interface Ctx {
  staffId: number;
  ip?: string;
  appSecret: string | SecretKeys;
}

/** Adds a NAS to the registry (admin); the secret is stored encrypted. Audited without the secret. */
export async function createNas(db: Db, input: NasInput, ctx: Ctx): Promise<{ id: number }> {
  return addressTakenAs409(input.address, () => createInTx(db, input, ctx));
}

function createInTx(db: Db, input: NasInput, ctx: Ctx): Promise<{ id: number }> {
  return inTransaction(db, async (tx) => {
    await checkRegion(tx, input.regionId);
    await checkAddressFree(tx, input.address);
    const [row] = await tx
      .insert(nas)
      .values({
        regionId: input.regionId,
        name: input.name,
        address: input.address,
        secretEnc: encryptSecret('nas-secret', input.secret, ctx.appSecret),
        vendor: input.vendor,
        coaPort: input.coaPort,
        active: input.active,
        description: input.description,
      })
      .returning({ id: nas.id });
    const { secret: _secret, ...after } = input;
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: ctx.staffId,
      action: 'nas.create',
      entity: 'nas',
      entityId: row!.id,
      after,
      ip: ctx.ip,
    });
    return { id: row!.id };
  });
}

/** Changes a NAS (admin); a new secret replaces the old one, and the audit says only that it changed. */
export async function updateNas(db: Db, id: number, input: Partial<NasInput>, ctx: Ctx): Promise<void> {
  await addressTakenAs409(input.address ?? '', () => updateInTx(db, id, input, ctx));
}

function updateInTx(db: Db, id: number, input: Partial<NasInput>, ctx: Ctx): Promise<void> {
  return inTransaction(db, async (tx) => {
    const [before] = await tx.select().from(nas).where(eq(nas.id, id)).for('update');
    if (!before) throw new AppError('nas_not_found');
    if (input.regionId !== undefined) await checkRegion(tx, input.regionId);
    if (input.address !== undefined) await checkAddressFree(tx, input.address, id);
    const { secret, ...rest } = input;
    await tx
      .update(nas)
      .set({
        ...rest,
        ...(secret ? { secretEnc: encryptSecret('nas-secret', secret, ctx.appSecret) } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(nas.id, id));
    const { secretEnc: _enc, ...shown } = before;
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: ctx.staffId,
      action: 'nas.update',
      entity: 'nas',
      entityId: id,
      before: shown,
      after: { ...rest, ...(secret ? { secret: 'changed' } : {}) },
      ip: ctx.ip,
    });
  });
}

/** Two admins adding one address at once: the second gets the same answer as if it had come later. */
async function addressTakenAs409<T>(address: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (uniqueViolation(e) === 'nas_address') throw new AppError('nas_address_taken', { address });
    throw e;
  }
}

async function checkRegion(db: Db, regionId: number) {
  const [r] = await db.select({ id: regions.id }).from(regions).where(eq(regions.id, regionId));
  if (!r) throw new AppError('region_not_found');
}

async function checkAddressFree(db: Db, address: string, exceptId?: number) {
  const [taken] = await db
    .select({ id: nas.id })
    .from(nas)
    .where(exceptId ? and(eq(nas.address, address), ne(nas.id, exceptId)) : eq(nas.address, address));
  if (taken) throw new AppError('nas_address_taken', { address });
}
