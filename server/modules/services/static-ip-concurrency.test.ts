import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildRegion, buildService, buildSubscriber } from '../../test/factories.js';
import { connectAddon } from './connect-addon.js';
import { disconnectAddon } from './disconnect-addon.js';
import { addIpRange } from './ip-pool-admin.js';

// Real concurrency needs real connections: PGlite has one, so this runs on PostgreSQL only.
const onPostgres = !!process.env.DATABASE_URL;

let database: Database;
beforeAll(async () => {
  if (onPostgres) database = await createTestDatabase({ poolSize: 24 });
});
afterAll(() => database?.close());

describe.skipIf(!onPostgres)('static IP pool under concurrent requests (PostgreSQL)', () => {
  it('never gives one address to two subscribers: 30 requests for 14 addresses', async () => {
    const region = await buildRegion(database.db);
    const ip = await buildService(database.db, { regionId: region.id, kind: 'static_ip' });
    await addIpRange(database.db, { regionId: region.id, cidr: '192.0.2.0/28', staffId: 1 }); // 14 usable
    const subs = await Promise.all(
      Array.from({ length: 30 }, () => buildSubscriber(database.db, { regionId: region.id })),
    );
    const results = await Promise.allSettled(
      subs.map((s) =>
        connectAddon(database.db, {
          accountId: s.account.id,
          serviceId: ip.id,
          actor: { type: 'subscriber', accountId: s.account.id },
        }),
      ),
    );
    const given = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.address!] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    expect(given).toHaveLength(14);
    expect(new Set(given).size).toBe(14);
    expect(refused).toEqual(Array.from({ length: 16 }, () => 'ip_pool_empty'));
    const held = await queryRows<{ n: number; distinct_subs: number }>(
      database.db,
      sql`select count(*)::int8 as n, count(distinct subscription_id)::int8 as distinct_subs
          from ip_addresses where region_id = ${region.id} and subscription_id is not null`,
    );
    expect(held).toEqual([{ n: 14, distinct_subs: 14 }]);

    // Released and taken again at once by many: each freed address goes to exactly one taker.
    const holders = subs.filter((_, i) => results[i]!.status === 'fulfilled').slice(0, 5);
    const waiting = subs.filter((_, i) => results[i]!.status === 'rejected');
    await Promise.all(
      holders.map((s) =>
        disconnectAddon(database.db, {
          accountId: s.account.id,
          serviceId: ip.id,
          actor: { type: 'subscriber', accountId: s.account.id },
        }),
      ),
    );
    const again = await Promise.allSettled(
      waiting.map((s) =>
        connectAddon(database.db, {
          accountId: s.account.id,
          serviceId: ip.id,
          actor: { type: 'subscriber', accountId: s.account.id },
        }),
      ),
    );
    const regiven = again.flatMap((r) => (r.status === 'fulfilled' ? [r.value.address!] : []));
    expect(regiven).toHaveLength(5);
    const all = await queryRows<{ address: string }>(
      database.db,
      sql`select host(address) as address from ip_addresses where region_id = ${region.id} and subscription_id is not null`,
    );
    expect(new Set(all.map((r) => r.address)).size).toBe(14);
  });

  it('one account asking twice at once gets one address', async () => {
    const region = await buildRegion(database.db);
    const ip = await buildService(database.db, { regionId: region.id, kind: 'static_ip' });
    await addIpRange(database.db, { regionId: region.id, cidr: '192.0.2.64/29', staffId: 1 });
    const { account } = await buildSubscriber(database.db, { regionId: region.id });
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        connectAddon(database.db, {
          accountId: account.id,
          serviceId: ip.id,
          actor: { type: 'subscriber', accountId: account.id },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const held = await queryRows(database.db, sql`select 1 from ip_addresses where account_id = ${account.id}`);
    expect(held).toHaveLength(1);
  });
});
