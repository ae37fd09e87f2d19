import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { uniqueViolation } from './unique-violation.js';

/**
 * The network side of the static IP add-on (docs/network.md, "For other modules"): the services
 * module, having taken `address` from its regional pool (or null when the add-on ends), calls this in
 * the same transaction. The next Access-Accept carries Framed-IP-Address; the `static_ip_assigned` /
 * `static_ip_released` event this writes disconnects the live session, so the subscriber's router dials again and gets the address.
 * No-op when the address is already the account's. An address another account has is refused.
 */
export async function assignStaticIp(db: Db, input: { accountId: number; address: string | null }): Promise<void> {
  let rows: { changed: boolean }[];
  try {
    rows = await queryRows<{ changed: boolean }>(
      db,
      sql`with up as (
            insert into network_access (account_id, static_ip) values (${input.accountId}, ${input.address}::inet)
            on conflict (account_id) do update set static_ip = excluded.static_ip, updated_at = now()
              where network_access.static_ip is distinct from excluded.static_ip
            returning 1
          )
          select exists(select 1 from up) as changed`,
    );
  } catch (e) {
    if (uniqueViolation(e) === 'network_access_static_ip') {
      throw new AppError('network_value_taken', { field: { ru: 'Статический IP', en: 'Static IP' } });
    }
    throw e;
  }
  if (!rows[0]?.changed) return;
  await db.execute(
    sql`insert into account_events (account_id, kind, data)
        values (${input.accountId}, ${input.address ? 'static_ip_assigned' : 'static_ip_released'},
                ${JSON.stringify({ address: input.address })}::jsonb)`,
  );
}
