import type { Db } from '../../db/client.js';
import { runServicesDay } from '../services/run-services-day.js';
import { applyTariffChanges } from './apply-tariff-changes.js';
import { type BatchTotals, chargeBatch } from './charge-batch.js';

/**
 * The daily run's steps for ONE account of a region and one day, in runBillingDay's order and through
 * the same functions: due tariff changes, the services step (suspensions start and finish, static IPs
 * go back), then the day's charge (blocking an account the money no longer covers). For bringing one
 * account to a later day exactly as the runs would, e.g. the termination forecast
 * (termination/forecast-settlement.ts), which rolls it all back.
 */
export async function runAccountDay(
  db: Db,
  opts: { regionId: number; accountId: number; day: string },
): Promise<BatchTotals> {
  await applyTariffChanges(db, opts);
  await runServicesDay(db, opts);
  return chargeBatch(db, { regionId: opts.regionId, day: opts.day, fromId: opts.accountId, toId: opts.accountId });
}
