import { eq } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { accounts, contracts, staffUsers, subscribers } from '../../db/schema/index.js';
import { version } from '../../version.js';
import type { Principal } from './sessions.js';

/** What the signed-in caller is, for the app's header and routing (staff: and which release runs). */
export async function whoAmI(db: Db, p: Principal) {
  if (p.type === 'staff') {
    const [u] = await db.select().from(staffUsers).where(eq(staffUsers.id, p.staffId));
    return {
      type: 'staff' as const,
      staff: { id: u!.id, email: u!.email, fullName: u!.fullName, role: u!.role, totpEnabled: !!u!.totpSecret },
      version,
    };
  }
  const [r] = await db
    .select({
      contract: contracts.number,
      account: accounts.number,
      fullName: subscribers.fullName,
      must: contracts.mustChangePassword,
    })
    .from(contracts)
    .innerJoin(accounts, eq(accounts.contractId, contracts.id))
    .innerJoin(subscribers, eq(subscribers.id, contracts.subscriberId))
    .where(eq(contracts.id, p.contractId));
  return {
    type: 'subscriber' as const,
    contract: r!.contract,
    account: r!.account,
    fullName: r!.fullName,
    mustChangePassword: r!.must === 1,
  };
}
