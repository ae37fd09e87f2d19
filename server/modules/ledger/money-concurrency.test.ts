import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Config, loadConfig } from '../../config.js';
import { type Database, openDatabase, queryRows } from '../../db/client.js';
import { buildApp } from '../../test/app.js';
import { runCliProcess } from '../../test/cli-process.js';
import { dropDatabase, newTestDbName, templateDb, withAdmin, withDbName } from '../../test/db.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';
import { signedNotification } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { createTopUp } from '../payments/create-top-up.js';

/**
 * Money paths racing on ONE account, each the way it really arrives: payment agents' `pay` over HTTP,
 * card notifications over HTTP, `abonent payment add` as separate processes, and promised payments.
 * The lock order (account row first, FOR NO KEY UPDATE: docs/billing.md, "Locks") must leave
 * PostgreSQL nothing to break: no deadlock, every request answered as success. Needs real connections:
 * PostgreSQL only (PGlite serialises everything on its one connection).
 */
const pgUrl = process.env.DATABASE_URL;

describe.skipIf(!pgUrl)('money paths racing on one account (PostgreSQL)', () => {
  let url = '';
  let database: Database;
  let app: FastifyInstance;
  let config: Config;

  beforeAll(async () => {
    const name = newTestDbName('race');
    await withAdmin(pgUrl!, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`));
    url = withDbName(pgUrl!, name);
    ({ database, app, config } = await openApp(url));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (url) await dropDatabase(pgUrl!, new URL(url).pathname.slice(1));
  });

  it('10 OSMP pays, 10 card notifications and 10 CLI payments at once: all succeed, no deadlock', async () => {
    const s = await buildSubscriber(database.db, { balance: -5_000, status: 'blocked', monthlyFee: 60_000 });
    const basic = await osmpAgent(app, database);
    const cards = [];
    for (let i = 0; i < 10; i++) {
      const top = await createTopUp(database.db, app.deps, { accountId: s.account.id, amount: 1_000, from: 'cabinet' });
      const [p] = await queryRows<{ external_id: string }>(
        database.db,
        sql`select external_id from payments where id = ${top.paymentId}`,
      );
      // The bank's side (the test acquirer's own table) has taken the money.
      await database.db.execute(
        sql`update test_acquirer_payments set status = 'succeeded' where id = ${p!.external_id}`,
      );
      cards.push(signedNotification(config, p!.external_id));
    }
    const before = await deadlocks(url);

    const [osmp, notices, cli] = await Promise.all([
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          app.inject({
            method: 'GET',
            url: `/api/agents/kiosk/osmp?${new URLSearchParams({
              command: 'pay',
              txn_id: String(5_000 + i),
              account: s.account.number,
              sum: '10.00',
              txn_date: '20261125101500',
            })}`,
            headers: basic,
          }),
        ),
      ),
      Promise.all(
        cards.map((n) =>
          app.inject({
            method: 'POST',
            url: '/api/payments/webhooks/test-acquirer',
            headers: { 'content-type': 'application/json', 'x-signature': n.signature },
            payload: n.body,
          }),
        ),
      ),
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          runCliProcess(url, ['payment', 'add', s.account.number, '10.00', '--key', `race-${i}`, '--json']),
        ),
      ),
    ]);
    expect(osmp.map((r) => /<result>(\d+)<\/result>/.exec(r.body)?.[1])).toEqual(Array(10).fill('0'));
    expect(notices.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    for (const r of cli) {
      expect(r, r.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(r.stdout)).toMatchObject({ credited: true });
    }

    const [a] = await queryRows<{ balance: number; status: string; ledger: number; payments: number }>(
      database.db,
      sql`select a.balance, a.status,
                 (select sum(amount)::int8 from ledger_entries l where l.account_id = a.id) as ledger,
                 (select count(*)::int from ledger_entries l where l.account_id = a.id and l.kind = 'payment') as payments
          from accounts a where a.id = ${s.account.id}`,
    );
    // −50 ₽ + 30 payments of 10 ₽: every one credited once, the debt covered, service back.
    expect(a).toEqual({ balance: 25_000, status: 'active', ledger: 25_000, payments: 30 });
    // Every backend's counters reach pg_stat_database when it exits: close ours, then read.
    await app.close();
    await database.close();
    expect(await deadlocks(url)).toBe(before);
    ({ database, app, config } = await openApp(url));
  }, 300_000); // 10 processes: ~15 s on an idle 2-core machine, far more when it is shared

  it('three promised-payment requests at once with one token: one 200, the others 409', async () => {
    // Five subscribers at once, three requests each: enough overlap for the race to happen for real.
    const subs = [];
    for (let i = 0; i < 5; i++)
      subs.push(await signedInSubscriber(app, database.db, { balance: -1_000, status: 'blocked', monthlyFee: 60_000 }));
    const answers = await Promise.all(
      subs.map((s) =>
        Promise.all(
          Array.from({ length: 3 }, () =>
            app.inject({ method: 'POST', url: '/api/me/promised-payment', headers: s.auth, payload: {} }),
          ),
        ),
      ),
    );
    for (const [i, res] of answers.entries()) {
      expect(res.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
      for (const r of res.filter((x) => x.statusCode === 409)) expect(r.json().error.code).toBe('promised_unavailable');
      const [a] = await queryRows<{ status: string; promised_credit: number; active: number }>(
        database.db,
        sql`select a.status, a.promised_credit,
                   (select count(*)::int from promised_payments p where p.account_id = a.id and p.status = 'active') as active
            from accounts a where a.id = ${subs[i]!.account.id}`,
      );
      expect(a).toEqual({ status: 'active', promised_credit: 60_000, active: 1 });
    }
  }, 60_000);

  it('`abonent ledger verify` fails (exit 2) on an entry whose account does not exist', async () => {
    const clean = await runCliProcess(url, ['ledger', 'verify', '--json']);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ mismatches: [], orphan_entries: 0 });
    // Written past the ledger's API on purpose: what a bad manual fix or a broken import would leave.
    await database.db.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source)
                                  values (987654321, 'adjustment', 100, '2026-11-25', 'test')`);
    const json = await runCliProcess(url, ['ledger', 'verify', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ mismatches: [], orphan_entries: 1 });
    const text = await runCliProcess(url, ['ledger', 'verify']);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/1 entr(y|ies) naming an account that does not exist/);
  }, 180_000);
});

async function openApp(url: string) {
  const database = await openDatabase({ databaseUrl: url, poolSize: 24 });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, database });
  return { database, app, config };
}

/** The database's deadlock counter, read on a fresh connection (no cached statistics snapshot). */
async function deadlocks(url: string): Promise<number> {
  const d = await openDatabase({ databaseUrl: url, poolSize: 1 });
  try {
    const [r] = await queryRows<{ n: number }>(
      d.db,
      sql`select deadlocks::int8 as n from pg_stat_database where datname = current_database()`,
    );
    return r!.n;
  } finally {
    await d.close();
  }
}

/** A payment agent `kiosk` allowed from localhost (app.inject's address); its Basic auth header. */
async function osmpAgent(app: FastifyInstance, database: Database) {
  const admin = await buildStaff(database.db, { role: 'admin' });
  const res = await app.inject({
    method: 'POST',
    url: '/api/staff/agents',
    headers: admin.auth,
    payload: { code: 'kiosk', name: 'Терминалы', allowedCidrs: ['127.0.0.1/32'], minAmount: 100, maxAmount: 1_500_000 },
  });
  expect(res.statusCode).toBe(200);
  return { authorization: `Basic ${Buffer.from(`kiosk:${res.json().secret}`).toString('base64')}` };
}
