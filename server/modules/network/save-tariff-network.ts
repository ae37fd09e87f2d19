import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { type AttributeTemplate, type SpeedWindow, tariffNetwork, tariffs } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';

export interface TariffNetworkInput {
  maxSessions: number | null;
  speedWindows: SpeedWindow[];
  attributes: AttributeTemplate[];
}

/** A plan's network profile as staff see it; the defaults for a plan without one. */
export async function getTariffNetwork(db: Db, tariffId: number): Promise<TariffNetworkInput> {
  const [t] = await db.select({ id: tariffs.id }).from(tariffs).where(eq(tariffs.id, tariffId));
  if (!t) throw new AppError('tariff_not_found');
  const [row] = await db.select().from(tariffNetwork).where(eq(tariffNetwork.tariffId, tariffId));
  return {
    maxSessions: row?.maxSessions ?? null,
    speedWindows: row?.speedWindows ?? [],
    attributes: row?.attributes ?? [],
  };
}

/**
 * Admins set how a plan's subscribers are served on the network (docs/network.md, "Plans on the
 * network"): sessions at once, speed windows by time of day, extra reply attributes. The answers change at
 * once (every process reloads on the change); live sessions get the window's speed by CoA when a window
 * begins or ends. Nothing set: the row goes. Audited.
 */
export async function saveTariffNetwork(
  db: Db,
  tariffId: number,
  input: TariffNetworkInput,
  ctx: { staffId: number; ip?: string },
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const [t] = await tx.select({ id: tariffs.id }).from(tariffs).where(eq(tariffs.id, tariffId));
    if (!t) throw new AppError('tariff_not_found');
    const [before] = await tx.select().from(tariffNetwork).where(eq(tariffNetwork.tariffId, tariffId));
    const empty = input.maxSessions === null && input.speedWindows.length === 0 && input.attributes.length === 0;
    if (empty) await tx.delete(tariffNetwork).where(eq(tariffNetwork.tariffId, tariffId));
    else {
      await tx
        .insert(tariffNetwork)
        .values({ tariffId, ...input })
        .onConflictDoUpdate({ target: tariffNetwork.tariffId, set: { ...input, updatedAt: sql`now()` } });
    }
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: ctx.staffId,
      action: 'tariff.network.update',
      entity: 'tariff',
      entityId: tariffId,
      before: before ?? null,
      after: input,
      ip: ctx.ip,
    });
  });
}
