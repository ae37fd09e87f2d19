import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { findTariff } from '../services/tariff-change-rules.js';
import type { BulkAction } from './bulk.schemas.js';
import { type RegionScope, scopeSees } from './scope.js';

/** Who may run what (docs/bulk.md "Roles"): money is finance's; plans, messages and blocks are operators'. */
const ROLES: Record<BulkAction['kind'], readonly string[]> = {
  compensation: ['admin', 'finance'],
  tariff: ['admin', 'operator'],
  message: ['admin', 'operator'],
  block: ['admin', 'operator'],
  unblock: ['admin', 'operator'],
};

/** Refuses an action the staff member may not run, or a plan outside their regions. */
export async function checkAction(db: Db, opts: { action: BulkAction; scope: RegionScope; role: string }) {
  if (!ROLES[opts.action.kind].includes(opts.role)) throw new AppError('forbidden');
  if (opts.action.kind === 'tariff') {
    const t = await findTariff(db, opts.action.tariffId);
    if (!scopeSees(opts.scope, t.region_id)) throw new AppError('tariff_not_found');
  }
}

export const mayRun = (kind: BulkAction['kind'], role: string) => ROLES[kind].includes(role);
