import { and, asc, eq, gte, isNull, lte, or, type SQL } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { accounts, regions, type RegionSettings, services, tariffs } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';

/**
 * The catalogue: regions, tariff plans and add-on services. Reads are plain queries; every staff change
 * is audited with before/after. A fee change applies to new subscriptions and tariff changes only: the
 * subscriptions already running keep the fee agreed when they started (docs/billing.md).
 */
export interface Actor {
  staffId: number;
  ip?: string;
}

/** Active regions; for staff, those of their region scope. */
export async function listRegions(db: Db, scope: RegionScope = 'all') {
  return db
    .select()
    .from(regions)
    .where(and(eq(regions.active, true), inRegions(scope, regions.id)))
    .orderBy(asc(regions.id));
}

export async function getRegion(db: Db, id: number, opts: { forUpdate?: boolean } = {}) {
  const q = db.select().from(regions).where(eq(regions.id, id));
  const [r] = opts.forUpdate ? await q.for('update') : await q;
  if (!r) throw new AppError('region_not_found');
  return r;
}

/** Tariffs a subscriber of the region can choose today: active by dates and not archived. */
export async function listAvailableTariffs(db: Db, regionId: number, now = new Date()) {
  const region = await getRegion(db, regionId);
  const today = todayIn(region.timeZone, now);
  return db
    .select()
    .from(tariffs)
    .where(
      and(
        eq(tariffs.regionId, regionId),
        eq(tariffs.archived, false),
        lte(tariffs.activeFrom, today),
        or(isNull(tariffs.activeTo), gte(tariffs.activeTo, today)),
      ),
    )
    .orderBy(asc(tariffs.monthlyFee));
}

export async function listTariffs(db: Db, regionId: number | undefined, scope: RegionScope) {
  return db
    .select()
    .from(tariffs)
    .where(and(regionId ? eq(tariffs.regionId, regionId) : undefined, inRegions(scope, tariffs.regionId)))
    .orderBy(asc(tariffs.regionId), asc(tariffs.monthlyFee));
}

export async function listServices(db: Db, regionId: number | undefined, scope: RegionScope) {
  return db
    .select()
    .from(services)
    .where(and(regionId ? eq(services.regionId, regionId) : undefined, inRegions(scope, services.regionId)))
    .orderBy(asc(services.regionId), asc(services.monthlyFee));
}

export interface RegionInput {
  code: string;
  nameRu: string;
  nameEn: string;
  timeZone: string;
  supportPhone: string;
  supportEmail: string;
  contractPrefix: string;
  settings?: RegionSettings;
}

/**
 * A new region (docs/deploy.md, "Regions, plans and staff"): its code and contract-number prefix are
 * its own for good. It starts with the common support categories; plans, add-ons, offices, receipt
 * settings and the static-IP pool are added on their screens. Billing starts on the region's first day
 * with contracts (run-billing.ts: a region without billed days starts today).
 */
export async function createRegion(db: Db, actor: Actor, input: RegionInput) {
  return inTransaction(db, async (tx) => {
    const clash = async () => {
      const [r] = await tx
        .select({ code: regions.code })
        .from(regions)
        .where(or(eq(regions.code, input.code), eq(regions.contractPrefix, input.contractPrefix)));
      return r;
    };
    // A concurrent request with the same code or prefix makes the insert do nothing once it commits;
    // asking again then sees its row and names what clashed.
    const [row] = (await clash())
      ? []
      : await tx
          .insert(regions)
          .values({ ...input, settings: input.settings ?? {} })
          .onConflictDoNothing()
          .returning();
    if (!row) {
      const other = await clash();
      if (other && other.code !== input.code)
        throw new AppError('contract_prefix_taken', { prefix: input.contractPrefix });
      throw new AppError('region_code_taken', { code: input.code });
    }
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'region.create',
      entity: 'region',
      entityId: row.id,
      after: row,
      ip: actor.ip,
    });
    return row;
  });
}

export async function updateRegion(
  db: Db,
  actor: Actor,
  id: number,
  patch: {
    nameRu?: string;
    nameEn?: string;
    timeZone?: string;
    supportPhone?: string;
    supportEmail?: string;
    settings?: RegionSettings;
  },
) {
  return inTransaction(db, async (tx) => {
    const before = await getRegion(tx, id, { forUpdate: true });
    // A billing day is a calendar day in the region's zone: moving the zone under billed contracts
    // would shift days already charged. Contracts lock it (a contract signing locks the region row too).
    if (patch.timeZone && patch.timeZone !== before.timeZone) {
      const [acc] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.regionId, id)).limit(1);
      if (acc) throw new AppError('region_time_zone_locked');
    }
    const [after] = await tx
      .update(regions)
      .set({
        ...patch,
        settings: patch.settings
          ? {
              ...before.settings,
              ...patch.settings,
              // Nested rule groups merge too: changing one suspension rule keeps the others.
              ...(patch.settings.suspension
                ? { suspension: { ...before.settings.suspension, ...patch.settings.suspension } }
                : {}),
            }
          : before.settings,
      })
      .where(eq(regions.id, id))
      .returning();
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'region.update',
      entity: 'region',
      entityId: id,
      before,
      after,
      ip: actor.ip,
    });
    return after!;
  });
}

export async function createTariff(db: Db, actor: Actor, input: typeof tariffs.$inferInsert) {
  await getRegion(db, input.regionId);
  return inTransaction(db, async (tx) => {
    const [row] = await tx.insert(tariffs).values(input).onConflictDoNothing().returning();
    if (!row) throw new AppError('conflict', { details: `tariff code ${input.code} exists in the region` });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'tariff.create',
      entity: 'tariff',
      entityId: row.id,
      after: row,
      ip: actor.ip,
    });
    return row;
  });
}

export async function updateTariff(db: Db, actor: Actor, id: number, patch: Partial<typeof tariffs.$inferInsert>) {
  return updateAudited(db, actor, {
    table: tariffs,
    idCol: tariffs.id,
    id,
    patch,
    entity: 'tariff',
    notFound: 'tariff_not_found',
  });
}

export async function createService(db: Db, actor: Actor, input: typeof services.$inferInsert) {
  await getRegion(db, input.regionId);
  return inTransaction(db, async (tx) => {
    const [row] = await tx.insert(services).values(input).onConflictDoNothing().returning();
    if (!row) throw new AppError('conflict', { details: `service code ${input.code} exists in the region` });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'service.create',
      entity: 'service',
      entityId: row.id,
      after: row,
      ip: actor.ip,
    });
    return row;
  });
}

export async function updateService(db: Db, actor: Actor, id: number, patch: Partial<typeof services.$inferInsert>) {
  return updateAudited(db, actor, {
    table: services,
    idCol: services.id,
    id,
    patch,
    entity: 'service',
    notFound: 'service_not_found',
  });
}

async function updateAudited<T extends typeof tariffs | typeof services>(
  db: Db,
  actor: Actor,
  o: {
    table: T;
    idCol: T['id'];
    id: number;
    patch: Record<string, unknown>;
    entity: string;
    notFound: 'tariff_not_found' | 'service_not_found';
  },
) {
  return inTransaction(db, async (tx) => {
    const where: SQL = eq(o.idCol, o.id);
    const [before] = (await tx
      .select()
      .from(o.table as typeof tariffs)
      .where(where)
      .for('update')) as Record<string, unknown>[];
    if (!before) throw new AppError(o.notFound);
    if (Object.keys(o.patch).length === 0) return before;
    const [after] = (await tx
      .update(o.table as typeof tariffs)
      .set(o.patch)
      .where(where)
      .returning()) as Record<string, unknown>[];
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: `${o.entity}.update`,
      entity: o.entity,
      entityId: o.id,
      before,
      after,
      ip: actor.ip,
    });
    return after!;
  });
}
