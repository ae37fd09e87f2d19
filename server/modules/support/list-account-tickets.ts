import { desc, eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { accounts, supportCategories, supportTickets } from '../../db/schema/index.js';
import { ticketSummary } from './ticket-views.js';

/** A subscriber's recent tickets for staff (the subscriber card); an unknown account is "not found". */
export async function listAccountTickets(db: Db, accountId: number, limit = 20) {
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new AppError('account_not_found', { account: accountId });
  const rows = await db
    .select({ t: supportTickets, nameRu: supportCategories.nameRu, nameEn: supportCategories.nameEn })
    .from(supportTickets)
    .innerJoin(supportCategories, eq(supportCategories.id, supportTickets.categoryId))
    .where(eq(supportTickets.accountId, accountId))
    .orderBy(desc(supportTickets.id))
    .limit(limit);
  return rows.map((r) => ({ ...ticketSummary(r.t), category: { nameRu: r.nameRu, nameEn: r.nameEn } }));
}
