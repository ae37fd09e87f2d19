import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildRegion, buildSubscriber } from '../../test/factories.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { runBilling } from './run-billing.js';

// Concurrency needs real connections: on PGlite (one connection) the calls are serialised, which
// still must give the same results, so the test runs in both modes and proves the most on PostgreSQL.
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 8 });
});
afterAll(() => database.close());

describe('billing under concurrency', () => {
  it('two processes running the same day at once charge it once', async () => {
    const region = await buildRegion(database.db);
    const subs = await Promise.all(
      Array.from({ length: 20 }, () => buildSubscriber(database.db, { regionId: region.id, balance: 50_000 })),
    );
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        runBilling(database.db, { regionId: region.id, until: '2026-11-05', batchSize: 7 }),
      ),
    );
    expect(runs.reduce((s, r) => s + r.charged, 0)).toBe(20);
    expect(runs.filter((r) => r.days.some((d) => !d.skipped))).toHaveLength(1);
    const [n] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int8 as n from ledger_entries where kind = 'charge'
          and account_id in (${sql.join(
            subs.map((s) => sql`${s.account.id}`),
            sql`, `,
          )})`,
    );
    expect(n!.n).toBe(20);
    expect((await verifyLedger(database.db)).mismatches).toEqual([]);
  });

  it('payments racing the run leave balance = sum of ledger and the right status', async () => {
    const region = await buildRegion(database.db);
    const subs = await Promise.all(
      Array.from({ length: 10 }, () => buildSubscriber(database.db, { regionId: region.id, balance: 1_000 })),
    );
    await Promise.all([
      runBilling(database.db, { regionId: region.id, until: '2026-11-06', batchSize: 3 }),
      ...subs.map((s, i) =>
        creditPayment(database.db, {
          accountId: s.account.id,
          amount: 5_000,
          idempotencyKey: `race-${s.account.id}-${i}`,
          source: 'test',
          effectiveOn: '2026-11-06',
        }),
      ),
    ]);
    for (const s of subs) {
      const [a] = await queryRows<{ balance: number; status: string }>(
        database.db,
        sql`select balance, status from accounts where id = ${s.account.id}`,
      );
      // 1 000 opening + 5 000 paid − 2 000 for the day, whichever came first; a payment that lands
      // after a block restores the account at once.
      expect(a).toEqual({ balance: 4_000, status: 'active' });
    }
    expect((await verifyLedger(database.db)).mismatches).toEqual([]);
  });
});
