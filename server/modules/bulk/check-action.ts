import { mayRunBulk } from '../../../common/bulk.js';
import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { type RegionScope, seesRegion } from '../../policy/region-scope.js';
import { findTariff } from '../services/tariff-change-rules.js';
import type { BulkAction } from './bulk.schemas.js';

/** Refuses an action the staff member's role may not run (common/bulk.ts), or a plan outside their regions. */
export async function checkAction(db: Db, opts: { action: BulkAction; scope: RegionScope; role: string }) {
  if (!mayRunBulk(opts.action.kind, opts.role)) throw new AppError('forbidden');
  if (opts.action.kind === 'tariff') {
    const t = await findTariff(db, opts.action.tariffId);
    if (!seesRegion(opts.scope, t.region_id)) throw new AppError('tariff_not_found');
  }
}
