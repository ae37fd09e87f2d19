import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays } from '../../../common/dates.js';
import { type Database, queryRows } from '../../db/client.js';
import { chargeKey, type ReferenceAccount, type ReferenceResult, replayBilling } from '../../test/billing-reference.js';
import { runCliProcess, startCli } from '../../test/cli-process.js';
import { createTestDatabase } from '../../test/db.js';
import { buildRegion, buildService, buildTariff } from '../../test/factories.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { runBilling } from './run-billing.js';

/**
 * Several `abonent billing run` processes at once, and one killed mid-day, must leave exactly the
 * ledger of one sequential day-by-day run (docs/billing.md, "Order, one runner, recovery"). Real
 * processes need real connections: PostgreSQL only (PGlite is one process with one connection; its
 * in-process runner lock is tested in billing-concurrency.test.ts).
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const ACCOUNTS = 3_000;
const FIRST = '2026-08-01';
const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

/** Deterministic pseudo-random numbers (a linear congruential generator), so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s % n;
  };
}

describe.skipIf(!onPostgres)('concurrent and killed billing runners (PostgreSQL)', () => {
  let database: Database;
  let url: string;
  let start: ReferenceAccount[] = [];
  /** The account whose only subscription starts on KILL_DAY: the test holds its row to stop a run there. */
  let stopper = 0;
  const KILL_DAY = '2026-10-10';

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
    url = database.pool!.options.connectionString!;
    start = await seed(database);
    stopper = start.find((a) => a.subscriptions[0]?.startsOn === KILL_DAY)!.id;
    // The first run of a region runs just its day.
    await runBilling(database.db, { until: FIRST, now: new Date('2026-11-30T12:00:00Z') });
  }, 180_000);
  afterAll(() => database?.close());

  it('three runners at once leave the ledger of one sequential day-by-day run', async () => {
    const runs = await Promise.all(
      ['2026-09-29', '2026-09-14', '2026-08-30'].map((until) =>
        runCliProcess(url, ['billing', 'run', '--date', until, '--json']),
      ),
    );
    for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0 });
    await expectLedgerOf(replayBilling(start, days(FIRST, '2026-09-29')));
  }, 300_000); // real processes: seconds on an idle machine, much more on a shared one

  it('a run killed mid-day is resumed at once by the next: no hole, no extra charge', async () => {
    // Hold the stopper's row: the run charges days up to KILL_DAY, then waits inside KILL_DAY's batch
    // that contains the stopper, after earlier batches of that day were committed.
    const holder = new pg.Client({ connectionString: url });
    holder.on('error', () => {});
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from accounts where id = $1 for update', [stopper]);
      const run = startCli(url, ['billing', 'run', '--date', '2026-10-28', '--json'], {
        BILLING_BATCH_ACCOUNTS: '250',
      });
      // Wait (no time limit of our own: the test's timeout) until the runner's connection waits on the row.
      for (;;) {
        const ended = await Promise.race([run.done, new Promise<null>((ok) => setTimeout(() => ok(null), 50))]);
        if (ended) throw new Error(`the run ended before reaching ${KILL_DAY}: ${JSON.stringify(ended)}`);
        const [w] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and application_name = 'abonent billing runner'
                and wait_event_type = 'Lock' and wait_event in ('transactionid', 'tuple')`,
        );
        if (w!.n > 0) break;
      }
      const [partial] = await queryRows<{ state: string; charged: number }>(
        database.db,
        sql`select d.state, (select count(*)::int from ledger_entries l join accounts a on a.id = l.account_id
                             where l.kind = 'charge' and l.effective_on = d.day and a.region_id = d.region_id) as charged
            from billing_days d join accounts a on a.region_id = d.region_id
            where a.id = ${stopper} and d.day = ${KILL_DAY}::date`,
      );
      // Mid-day: the day is started and some of its batches are in.
      expect(partial?.state).toBe('running');
      expect(partial!.charged).toBeGreaterThan(0);

      run.child.kill('SIGKILL');
      expect((await run.done).signal).toBe('SIGKILL');
    } finally {
      await holder.query('rollback').catch(() => {});
      await holder.end();
    }

    const again = await runCliProcess(url, ['billing', 'run', '--date', '2026-10-28', '--json']);
    expect(again, again.stderr).toMatchObject({ code: 0 });
    await expectLedgerOf(replayBilling(start, days(FIRST, '2026-10-28')));
    const open = await queryRows(database.db, sql`select day from billing_days where state <> 'done'`);
    expect(open).toEqual([]);
  }, 300_000); // real processes: seconds on an idle machine, much more on a shared one

  /** The database holds exactly the reference's charges, balances, statuses and blocked events. */
  async function expectLedgerOf(ref: ReferenceResult) {
    const rows = await queryRows<{ account_id: number; subscription_id: number; effective_on: string; amount: number }>(
      database.db,
      sql`select account_id, subscription_id, effective_on, -amount as amount from ledger_entries where kind = 'charge'`,
    );
    const seen = new Map<string, number>();
    const extra: string[] = [];
    for (const r of rows) {
      const key = chargeKey(r.account_id, r.subscription_id, r.effective_on);
      if (seen.has(key) || ref.charges.get(key) !== r.amount) extra.push(`${key}=${r.amount}`);
      seen.set(key, r.amount);
    }
    const missing = [...ref.charges.keys()].filter((k) => !seen.has(k));
    expect({ extra: extra.length, missing: missing.length, examples: [...extra, ...missing].slice(0, 5) }).toEqual({
      extra: 0,
      missing: 0,
      examples: [],
    });
    const accounts = await queryRows<{ id: number; balance: number; status: string; blocked_events: number }>(
      database.db,
      sql`select a.id, a.balance, a.status,
                 (select count(*)::int from account_events e where e.account_id = a.id and e.kind = 'blocked') as blocked_events
          from accounts a`,
    );
    const wrong = accounts.filter((a) => {
      const r = ref.accounts.get(a.id)!;
      return r.balance !== a.balance || r.status !== a.status || r.blockedEvents !== a.blocked_events;
    });
    expect(wrong.slice(0, 5).map((a) => ({ got: a, want: ref.accounts.get(a.id) }))).toEqual([]);
    const verified = await verifyLedger(database.db);
    expect(verified.mismatches).toEqual([]);
  }
});

/**
 * 3 000 accounts in two regions, written set-based: fees that do not divide into days, opening
 * balances that run out at different days (some at once), credit limits, promised credits, suspended
 * and blocked accounts, add-ons that start or end inside the window, and the stopper.
 */
async function seed(database: Database): Promise<ReferenceAccount[]> {
  const db = database.db;
  const rnd = lcg(20_261_130);
  const fees = [35_000, 45_000, 59_999, 60_000, 89_900];
  const regions = [await buildRegion(db), await buildRegion(db, { timeZone: 'Asia/Yekaterinburg' })];
  const tariff = new Map<number, number>();
  const service = new Map<number, number>();
  for (const r of regions) {
    tariff.set(r.id, (await buildTariff(db, { regionId: r.id })).id);
    service.set(r.id, (await buildService(db, { regionId: r.id })).id);
  }
  type Plan = {
    region: number;
    status: string;
    balance: number;
    credit: number;
    promised: number;
    subs: { service: boolean; fee: number; startsOn: string; endsOn: string | null }[];
  };
  const plans: Plan[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const fee = fees[rnd(fees.length)]!;
    const kind = rnd(100);
    const p: Plan = {
      region: regions[i % 2]!.id,
      status: kind < 3 ? 'suspended' : 'active',
      balance: rnd(160_000) - 4_000,
      credit: rnd(10) === 0 ? 5_000 + rnd(15_000) : 0,
      promised: rnd(20) === 0 ? 10_000 : 0,
      subs: [{ service: false, fee, startsOn: '2026-01-01', endsOn: null }],
    };
    if (kind >= 3 && kind < 5) {
      p.status = 'blocked';
      p.balance = -1_000 - rnd(5_000);
      p.credit = 0;
      p.promised = 0;
    }
    const addOn = rnd(10);
    if (addOn < 2) p.subs.push({ service: true, fee: 15_000, startsOn: '2026-01-01', endsOn: null });
    else if (addOn === 2) p.subs.push({ service: true, fee: 15_000, startsOn: '2026-08-15', endsOn: null });
    else if (addOn === 3) p.subs.push({ service: true, fee: 15_000, startsOn: '2026-01-01', endsOn: '2026-09-05' });
    plans.push(p);
  }
  // The stopper: in the middle of region 1's accounts, rich, charged from KILL_DAY only.
  const mid = plans.findIndex((p, i) => i >= ACCOUNTS / 2 && p.region === regions[0]!.id);
  plans[mid] = {
    region: regions[0]!.id,
    status: 'active',
    balance: 10_000_000,
    credit: 0,
    promised: 0,
    subs: [{ service: false, fee: 60_000, startsOn: '2026-10-10', endsOn: null }],
  };

  const json = JSON.stringify(plans.map((p, i) => ({ ...p, n: i })));
  await db.execute(sql`create temporary table plan as
    select * from jsonb_to_recordset(${json}::jsonb)
      as x(n int, region int, status text, balance int8, credit int8, promised int8, subs jsonb)`);
  await db.execute(sql`insert into subscribers (full_name, address, phone)
    select 'Абонент ' || n, 'Адрес', '79' || lpad(n::text, 9, '0') from plan order by n`);
  await db.execute(sql`insert into contracts (number, subscriber_id, region_id, signed_on)
    select 'R' || p.n, s.id, p.region, '2026-01-01' from plan p join subscribers s on s.phone = '79' || lpad(p.n::text, 9, '0')`);
  await db.execute(sql`insert into accounts (number, contract_id, region_id, credit_limit, promised_credit, status)
    select lpad((700000000 + p.n)::text, 9, '0'), c.id, p.region, p.credit, p.promised, p.status
    from plan p join contracts c on c.number = 'R' || p.n order by p.n`);
  for (const [region, t] of tariff) {
    await db.execute(sql`insert into subscriptions (account_id, kind, tariff_id, service_id, monthly_fee, starts_on, ends_on)
      select a.id, case when (s->>'service')::boolean then 'service' else 'tariff' end,
             case when (s->>'service')::boolean then null else ${t}::int end,
             case when (s->>'service')::boolean then ${service.get(region)!}::int end,
             (s->>'fee')::int8, (s->>'startsOn')::date, (s->>'endsOn')::date
      from plan p join accounts a on a.number = lpad((700000000 + p.n)::text, 9, '0')
      cross join lateral jsonb_array_elements(p.subs) s
      where p.region = ${region}`);
  }
  // Opening balances through entries, so balance = sum of the ledger from the start.
  await db.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source, idempotency_key)
    select a.id, 'adjustment', p.balance, '2026-07-01', 'test', 'open:' || a.id
    from plan p join accounts a on a.number = lpad((700000000 + p.n)::text, 9, '0') where p.balance <> 0`);
  await db.execute(sql`update accounts a set balance = p.balance
    from plan p where a.number = lpad((700000000 + p.n)::text, 9, '0')`);
  await db.execute(sql`drop table plan`);
  await db.execute(sql`analyze`);

  const accounts = await queryRows<{
    id: number;
    status: string;
    balance: number;
    credit_limit: number;
    promised_credit: number;
  }>(db, sql`select id, status, balance, credit_limit, promised_credit from accounts order by id`);
  const subs = await queryRows<{
    id: number;
    account_id: number;
    monthly_fee: number;
    starts_on: string;
    ends_on: string | null;
  }>(db, sql`select id, account_id, monthly_fee, starts_on, ends_on from subscriptions order by id`);
  return accounts.map((a) => ({
    id: a.id,
    status: a.status,
    balance: a.balance,
    creditLimit: a.credit_limit,
    promisedCredit: a.promised_credit,
    subscriptions: subs
      .filter((s) => s.account_id === a.id)
      .map((s) => ({ id: s.id, monthlyFee: s.monthly_fee, startsOn: s.starts_on, endsOn: s.ends_on })),
  }));
}
