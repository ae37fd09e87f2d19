import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../app.js';
import { queryRows } from '../db/client.js';
import { billingRunJob } from '../jobs/billing.job.js';
import { enqueue, JobWorker } from '../jobs/queue.js';
import { deliverJob } from '../modules/notifications/deliver.job.js';
import { applyProviderStatus } from '../modules/payments/apply-provider-status.js';
import { createTestApp, type TestContext } from '../test/app.js';
import { buildRegion, buildSubscriber } from '../test/factories.js';

const TOKEN = 'metrics-token-0123456789';

/** Parses the Prometheus text format into {name{labels} → value}. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('GET /metrics', () => {
  let t: TestContext;
  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    return parse(res.body);
  };
  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN: TOKEN });
  });
  afterAll(() => t.close());

  it('is refused without the token, and absent when no token is configured', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('unauthorized');
    // The same database, an app configured without a token: no /metrics at all.
    const open = await buildApp({ config: { ...t.config, METRICS_TOKEN: undefined }, database: t.database });
    try {
      expect((await open.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await open.close();
    }
  });

  it('times HTTP requests by route pattern, not by URL', async () => {
    await t.app.inject({ method: 'GET', url: '/api/health/live' });
    await t.app.inject({ method: 'GET', url: '/api/payments/123456' });
    await t.app.inject({ method: 'GET', url: '/api/no/such/thing' });
    const m = await scrape();
    expect(
      m.get('abonent_http_request_duration_seconds_count{method="GET",route="/api/health/live",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      m.get('abonent_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}'),
    ).toBeGreaterThanOrEqual(1);
    expect([...m.keys()].some((k) => k.includes('123456'))).toBe(false);
    expect(m.get('abonent_db_up')).toBe(1);
    expect(m.get('abonent_db_pool_max')).toBeGreaterThanOrEqual(1);
  });

  it('shows the job queue, the outbox backlog, billing progress and payments', async () => {
    const db = t.database.db;
    const region = await buildRegion(db, { timeZone: 'Europe/Moscow' });
    const { account } = await buildSubscriber(db, { regionId: region.id, balance: 100_000 });

    // Queue: a due delivery job that nobody has taken yet, for a waiting e-mail.
    const [msg] = await queryRows<{ id: number }>(
      db,
      sql`insert into outbox (account_id, channel, address, template, lang, subject, body, created_at)
          values (${account.id}, 'email', 'a@example.net', 't', 'ru', 's', 'b', now() - interval '10 minutes') returning id`,
    );
    await enqueue(db, deliverJob, { outboxId: msg!.id }, { runAt: new Date(Date.now() - 60_000) });
    let m = await scrape();
    expect(m.get('abonent_job_queue_depth{job_name="notifications.deliver"}')).toBe(1);
    expect(m.get('abonent_job_queue_oldest_age_seconds{job_name="notifications.deliver"}')).toBeGreaterThanOrEqual(59);
    expect(m.get('abonent_outbox_backlog{channel="email"}')).toBe(1);
    expect(m.get('abonent_outbox_oldest_age_seconds{channel="email"}')).toBeGreaterThanOrEqual(599);

    // The delivery runs (dev sink: no SMTP configured) and the billing job charges today.
    const today = (
      await queryRows<{ d: string }>(db, sql`select (now() at time zone 'Europe/Moscow')::date::text as d`)
    )[0]!.d;
    await enqueue(db, billingRunJob, { regionId: region.id, until: today });
    await new JobWorker(t.app.deps, [deliverJob, billingRunJob]).drain();

    // A card payment the provider confirmed, and one it declined.
    const pay = async (ext: string) =>
      (
        await queryRows<{ id: number }>(
          db,
          sql`insert into payments (account_id, provider, external_id, amount, method)
              values (${account.id}, 'test_acquirer', ${ext}, 50000, 'card') returning id`,
        )
      )[0]!.id;
    const ok = await pay(`m-ok-${account.id}`);
    const bad = await pay(`m-bad-${account.id}`);
    const before = m.get('abonent_payments_total{provider="test_acquirer",outcome="credited"}') ?? 0;
    await applyProviderStatus(db, ok, { externalId: `m-ok-${account.id}`, status: 'succeeded', amount: 50_000 });
    await applyProviderStatus(db, bad, { externalId: `m-bad-${account.id}`, status: 'canceled', amount: 50_000 });
    // A repeated notification changes nothing and is not counted again.
    await applyProviderStatus(db, ok, { externalId: `m-ok-${account.id}`, status: 'succeeded', amount: 50_000 });

    m = await scrape();
    expect(m.get('abonent_job_queue_depth{job_name="notifications.deliver"}')).toBe(0);
    expect(m.get('abonent_outbox_backlog{channel="email"}')).toBe(0);
    expect(m.get('abonent_outbox_deliveries_total{channel="email",outcome="sent"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('abonent_jobs_finished_total{job_name="billing.run",outcome="done"}')).toBeGreaterThanOrEqual(1);
    expect(m.get(`abonent_billing_days_behind{region="${region.code}"}`)).toBe(0);
    expect(m.get(`abonent_billing_last_day_charges{region="${region.code}"}`)).toBe(1);
    expect(m.get(`abonent_billing_charges_total{region="${region.code}"}`)).toBe(1);
    expect(m.get(`abonent_billing_run_duration_seconds_count{region="${region.code}"}`)).toBe(1);
    expect(m.get('abonent_payments_total{provider="test_acquirer",outcome="credited"}')).toBe(before + 1);
    // A canceled card form is the payer's outcome, not a failure (AbonentPaymentsFailing counts failures only).
    expect(m.get('abonent_payments_total{provider="test_acquirer",outcome="canceled"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('abonent_payments_total{provider="test_acquirer",outcome="failed"}')).toBe(0);
  });
});
