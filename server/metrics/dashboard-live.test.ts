import { readFileSync } from 'node:fs';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { queryRows } from '../db/client.js';
import { billingRunJob } from '../jobs/billing.job.js';
import { enqueue, JobWorker } from '../jobs/queue.js';
import { coaRetryJob } from '../modules/network/network.jobs.js';
import { deliverJob } from '../modules/notifications/deliver.job.js';
import { applyProviderStatus } from '../modules/payments/apply-provider-status.js';
import { createTestApp, type TestContext } from '../test/app.js';
import { buildSubscriber } from '../test/factories.js';
import { startFakeNas } from '../test/fakes/nas.js';
import { buildNas, buildNetworkAccess, networkTestConfig, radiusAuth } from '../test/network-factories.js';
import { evaluate, parseExposition, type Scrape } from '../test/promql.js';
import { radiusRequest } from '../test/radius-client.js';
import { createAppMetrics } from './db-metrics.js';

/**
 * The shipped Grafana dashboard rendered against the app as it runs (issue 25): two scrapes of /metrics,
 * with RADIUS, CoA, billing, payments, deliveries and jobs happening in between, and every query of every
 * panel evaluated on them (server/test/promql.ts: rates over the two scrapes, as Prometheus would with
 * a 15 s scrape interval). Each must show something: a series with a number. The alert rules are
 * evaluated too (they may rightly find nothing to alert on).
 */
const TOKEN = 'dashboard-live-token-0123';
const NAS_SECRET = 'nas-secret-dash';
const deploy = (p: string) => readFileSync(new URL(`../../deploy/${p}`, import.meta.url), 'utf8');

let t: TestContext;
let nas: Awaited<ReturnType<typeof startFakeNas>>;
const scrapes: Scrape[] = [];

async function scrape(): Promise<Scrape> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  // The labels Prometheus adds to every series of the target (deploy/prometheus/prometheus.yml).
  return parseExposition(res.body, { job: 'abonent', instance: 'app-1:3000' });
}

const call = (path: string, attrs: Record<string, string | number>, query = 'nas=127.0.0.1') =>
  radiusRequest(t.app.deps.network.api()!, {
    method: 'POST',
    url: `/api/radius/${path}?${query}`,
    headers: radiusAuth(),
    payload: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { type: 'string', value: [v] }])),
  });

beforeAll(async () => {
  // Process metrics (memory, CPU) are on for a server; the test app leaves them off unless asked.
  createAppMetrics({} as never, { processMetrics: true });
  t = await createTestApp(networkTestConfig({ METRICS_TOKEN: TOKEN, RADIUS_COA_TIMEOUT_MS: 200, RADIUS_COA_TRIES: 1 }));
  nas = await startFakeNas({ secret: NAS_SECRET });
  const db = t.database.db;
  const { region } = await buildSubscriber(db, {});
  await buildNas(db, {
    regionId: region.id,
    appSecret: t.config.secret,
    address: '127.0.0.1',
    secret: NAS_SECRET,
    coaPort: nas.port,
  });
  const paid = await buildSubscriber(db, { regionId: region.id, balance: 100_000 });
  const paidNet = await buildNetworkAccess(db, { accountId: paid.account.id, appSecret: t.config.secret });
  const debtor = await buildSubscriber(db, { regionId: region.id, balance: -5_000, status: 'blocked' });
  const debtorNet = await buildNetworkAccess(db, { accountId: debtor.account.id, appSecret: t.config.secret });
  const dir = t.app.deps.network.directory!;
  const deadline = Date.now() + 15_000;
  while ((!dir.byLoginName(paidNet.login!) || !dir.byLoginName(debtorNet.login!)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * What happens between scrapes. Run twice: the first round makes every series (a labelled series is
   * born at its first use, as in Prometheus), the rates are read over the second.
   */
  const round = async (n: number) => {
    // RADIUS: accepted, redirected, rejected (wrong password, unknown), an MS-CHAP outcome, accounting.
    await call('authorize', { 'User-Name': paidNet.login!, 'User-Password': paidNet.password });
    await call('authorize', { 'User-Name': debtorNet.login!, 'User-Password': debtorNet.password });
    await call('authorize', { 'User-Name': paidNet.login!, 'User-Password': 'wrong' });
    await call('authorize', { 'User-Name': 'nobody-at-all', 'User-Password': 'x' });
    await call('post-auth', { 'User-Name': paidNet.login! }, 'nas=127.0.0.1&result=Accept&auth=MS-CHAP');
    const klass = `0x${Buffer.from(`abonent:${paid.account.id}`).toString('hex')}`;
    await call('accounting', {
      'User-Name': paidNet.login!,
      'Acct-Status-Type': n === 1 ? 'Start' : 'Interim-Update',
      'Acct-Session-Id': 'dash-1',
      'Acct-Session-Time': n === 1 ? 0 : 300,
      'Framed-Protocol': 'PPP',
      Class: klass,
    });
    // CoA: a plan change reaches the session (ACK); the NAS refuses another (NAK, then the Disconnect
    // NAK), and never answers a third, which the retry job gives up on.
    const answered = async (n: number) => {
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        const [r] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from coa_requests where status <> 'pending'`,
        );
        if (r!.n >= n) return;
        await new Promise((res) => setTimeout(res, 20));
      }
      throw new Error('CoA not answered');
    };
    const base = (n - 1) * 4;
    nas.setMode('ack');
    await db.execute(sql`insert into account_events (account_id, kind) values (${paid.account.id}, 'tariff_changed')`);
    await answered(base + 1);
    nas.setMode('nak-all');
    await db.execute(
      sql`insert into account_events (account_id, kind) values (${debtor.account.id}, 'tariff_changed')`,
    );
    await answered(base + 3);
    nas.setMode('silent');
    await db.execute(
      sql`insert into account_events (account_id, kind) values (${debtor.account.id}, 'static_ip_assigned')`,
    );
    await answered(base + 4);
    await db.execute(sql`update coa_requests set attempts = 6 where status = 'timeout'`);
    // A billing day (charged once; the second run finds it done), a delivery, two card payments
    // (credited, canceled), the CoA retry job.
    const [msg] = await queryRows<{ id: number }>(
      db,
      sql`insert into outbox (account_id, channel, address, template, lang, subject, body)
          values (${paid.account.id}, 'email', 'a@example.net', 't', 'ru', 's', 'b') returning id`,
    );
    await enqueue(db, deliverJob, { outboxId: msg!.id });
    await enqueue(db, billingRunJob, { regionId: region.id, until: today!.d }, { key: `dash-billing-${n}` });
    await enqueue(db, coaRetryJob, {}, { key: `dash-retry-${n}` });
    await new JobWorker(t.app.deps, [deliverJob, billingRunJob, coaRetryJob]).drain();
    for (const [ext, status] of [
      [`dash-ok-${n}`, 'succeeded'],
      [`dash-no-${n}`, 'canceled'],
    ] as const) {
      const [p] = await queryRows<{ id: number }>(
        db,
        sql`insert into payments (account_id, provider, external_id, amount, method)
            values (${paid.account.id}, 'test_acquirer', ${ext}, 50000, 'card') returning id`,
      );
      await applyProviderStatus(db, p!.id, { externalId: ext, status, amount: 50_000 });
    }
    await t.app.inject({ method: 'GET', url: '/api/health/live' });
  };

  await db.execute(
    sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, started_at, updated_at)
        values ('127.0.0.1', 'dash-2', ${debtorNet.login}, ${debtor.account.id}, now(), now())`,
  );
  const [today] = await queryRows<{ d: string }>(
    db,
    sql`select (now() at time zone time_zone)::date::text as d from regions where id = ${region.id}`,
  );
  await db.execute(
    sql`insert into jobs (name, key, payload, state, attempts, max_attempts, finished_at, last_error)
        values ('network.cleanup', 'dash-dead', '{}', 'dead', 3, 3, now(), 'gave up')`,
  );
  await round(1);
  scrapes.push(await scrape());
  await new Promise((r) => setTimeout(r, 1100));
  await round(2);
  scrapes.push(await scrape());
}, 120_000);

afterAll(async () => {
  await nas?.close();
  await t?.close();
});

interface Panel {
  title: string;
  type: string;
  targets?: { refId: string; expr: string }[];
}

describe('deploy/grafana/abonent-dashboard.json against a live scrape', () => {
  const dash = JSON.parse(deploy('grafana/abonent-dashboard.json')) as { panels: Panel[] };
  const vars = { job: 'abonent', instance: '.*' };

  it('shows a number in every panel', () => {
    const empty: string[] = [];
    for (const p of dash.panels.filter((x) => x.type !== 'row')) {
      const shown = p.targets!.some((target) => {
        const v = evaluate(target.expr, { earlier: scrapes[0]!, now: scrapes[1]! }, vars);
        return v.kind === 'scalar' ? Number.isFinite(v.value) : v.samples.some((s) => Number.isFinite(s.value));
      });
      if (!shown) empty.push(p.title);
    }
    expect(empty).toEqual([]);
  });

  it('shows the network as it is: outcomes, rejects, CoA answers, what is left to staff', () => {
    const at = (expr: string) =>
      evaluate(expr, { earlier: scrapes[0]!, now: scrapes[1]! }, vars) as {
        kind: 'vector';
        samples: { labels: Record<string, string>; value: number }[];
      };
    const panel = (title: string) => dash.panels.find((p) => p.title === title)!.targets!;
    const seconds = scrapes[1]!.at - scrapes[0]!.at;
    const outcomes = Object.fromEntries(
      at(panel('Access-Requests by outcome (per second)')[0]!.expr).samples.map((s) => [
        s.labels.result,
        Math.round(s.value * seconds),
      ]),
    );
    expect(outcomes).toMatchObject({ accept: 2, redirect: 1, reject: 2, error: 0 });
    const rejects = Object.fromEntries(
      at(panel('Rejects by reason (per minute)')[0]!.expr).samples.map((s) => [
        s.labels.reason,
        Math.round((s.value / 60) * seconds),
      ]),
    );
    expect(rejects).toMatchObject({ password: 1, unknown: 1, mac_binding: 0 });
    const coa = at(panel('CoA and Disconnect by outcome (per minute)')[0]!.expr).samples.filter((s) => s.value > 0);
    expect(coa.map((s) => `${s.labels.kind} ${s.labels.outcome}`).sort()).toEqual(
      ['coa ack', 'coa nak', 'disconnect nak', 'disconnect timeout'].sort(),
    );
    const naks = at(panel('NAKs by Error-Cause (per hour)')[0]!.expr).samples.filter((s) => s.value > 0);
    expect(naks.map((s) => s.labels.error_cause)).toContain('Resources-Unavailable');
    const staff = panel('Left to staff (NAS did not apply)').map((x) => at(x.expr).samples[0]!.value);
    expect(staff[0]).toBeGreaterThanOrEqual(2); // the refused Disconnect and the one given up
    expect(staff[1]).toBe(1);
    expect(at(panel('Sessions open')[0]!.expr).samples[0]!.value).toBe(2);
    expect(at(panel('Dead jobs (24 h)')[0]!.expr).samples[0]!.value).toBe(1);
  });

  it('evaluates every alert rule on it', () => {
    const rules = (
      parseYaml(deploy('prometheus/abonent-alerts.yml')) as { groups: { rules: { alert: string; expr: string }[] }[] }
    ).groups.flatMap((g) => g.rules);
    const firing = rules.filter((r) => {
      const v = evaluate(r.expr, { earlier: scrapes[0]!, now: scrapes[1]! });
      return v.kind === 'vector' && v.samples.length > 0;
    });
    // What happened in between is what these alerts are for (their `for:` aside).
    expect(firing.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['AbonentJobsDead', 'AbonentCoaGivenUp', 'AbonentCoaLeftToStaff']),
    );
  });
});
