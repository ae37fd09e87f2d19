import { asc } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { agents } from '../../db/schema/index.js';

/** All agents without their secret hashes. */
export async function listAgents(db: Db) {
  const rows = await db.select().from(agents).orderBy(asc(agents.code));
  return rows.map(({ id, code, name, allowedCidrs, minAmount, maxAmount, active, fiscalizes }) => ({
    id,
    code,
    name,
    allowedCidrs,
    minAmount,
    maxAmount,
    active,
    fiscalizes,
  }));
}
