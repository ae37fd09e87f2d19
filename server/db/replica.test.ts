import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createSession } from '../modules/auth/sessions.js';
import { postEntry } from '../modules/ledger/post-entry.js';
import { createTestDatabase, dropDatabase, newTestDbName, templateDb, withAdmin, withDbName } from '../test/db.js';
import { buildRegion, buildSubscriber } from '../test/factories.js';
import { type Database, openDatabase, queryRows } from './client.js';

const url = process.env.DATABASE_URL;

/**
 * DATABASE_REPLICA_URL routing. A real streaming replica is a copy of the primary; here the "replica"
 * is a second database built with the same rows plus one entry the primary lacks, so each answer shows
 * which side it came from.
 */
describe.skipIf(!url)('reads from the replica (PostgreSQL; PGlite has no replicas)', () => {
  let primary: Database;
  let replicaName: string;
  let both: Database;
  beforeAll(async () => {
    primary = await createTestDatabase();
    replicaName = newTestDbName('replica');
    await withAdmin(url!, (c) => c.query(`CREATE DATABASE ${replicaName} TEMPLATE ${templateDb()}`));
    const replica = await openDatabase({ databaseUrl: withDbName(url!, replicaName), poolSize: 2 });
    // The same rows in the same order: the same ids on both sides.
    for (const db of [primary.db, replica.db]) {
      const region = await buildRegion(db, { code: 'rpl', contractPrefix: '77' });
      await buildSubscriber(db, { regionId: region.id, balance: 10_000 });
    }
    const [acc] = await queryRows<{ id: number }>(replica.db, sql`select id from accounts`);
    await postEntry(replica.db, {
      accountId: acc!.id,
      kind: 'adjustment',
      amount: 500,
      effectiveOn: '2026-06-01',
      source: 'test',
      comment: 'only on the replica',
    });
    await replica.close();
    both = await openDatabase({ databaseUrl: primaryUrl(primary), replicaUrl: withDbName(url!, replicaName) });
  });
  afterAll(async () => {
    await both?.close();
    await primary?.close();
    await dropDatabase(url!, replicaName);
  });

  it('serves the statement from the replica and the balance from the primary', async () => {
    const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), database: both });
    try {
      const [c] = await queryRows<{ id: number }>(primary.db, sql`select id from contracts`);
      const { token } = await createSession(primary.db, { type: 'subscriber', contractId: c!.id });
      const auth = { authorization: `Bearer ${token}` };
      const st = await app.inject({
        method: 'GET',
        url: '/api/me/statement?from=2026-05-01&to=2026-06-30',
        headers: auth,
      });
      expect(st.statusCode).toBe(200);
      expect(st.json().entries.map((e: { comment: string }) => e.comment)).toContain('only on the replica');
      const ov = await app.inject({ method: 'GET', url: '/api/me/overview', headers: auth });
      expect(ov.statusCode).toBe(200);
      expect(ov.json().balance).toBe(10_000);
    } finally {
      await app.close();
    }
  });
});

function primaryUrl(d: Database): string {
  const opts = d.pool!.options as { connectionString?: string };
  return opts.connectionString!;
}
