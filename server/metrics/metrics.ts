import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Label names avoid `job` and `instance`: Prometheus sets those on every scraped series itself.
 *
 * In-process instruments (counters and histograms), one set per process: the code that does the work
 * counts it here, whichever app instance it belongs to. Gauges read from the database (queue depth,
 * outbox backlog, billing progress) are per app, in db-metrics.ts. Every metric is named `abonent_*`;
 * deploy/ (Grafana dashboard, Prometheus alerts) uses only names declared here or in db-metrics.ts,
 * and a test checks that.
 */
export const processRegistry = new Registry();

const registers = [processRegistry];

export const httpDuration = new Histogram({
  name: 'abonent_http_request_duration_seconds',
  help: 'HTTP request latency by route (the route pattern, "unmatched" for unknown paths), method and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

export const jobsFinished = new Counter({
  name: 'abonent_jobs_finished_total',
  help: 'Jobs this process ran, by job name and outcome (done, retry, failed, deferred without using an attempt, returned at shutdown)',
  labelNames: ['job_name', 'outcome'] as const,
  registers,
});

export const jobDuration = new Histogram({
  name: 'abonent_job_duration_seconds',
  help: 'Time a job handler ran, by job name',
  labelNames: ['job_name'] as const,
  buckets: [0.01, 0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
  registers,
});

export const billingRunDuration = new Histogram({
  name: 'abonent_billing_run_duration_seconds',
  help: "Duration of one region's billing run (every day it caught up), by region code",
  labelNames: ['region'] as const,
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200],
  registers,
});

export const billingCharges = new Counter({
  name: 'abonent_billing_charges_total',
  help: 'Daily charges written by the billing runs of this process, by region code',
  labelNames: ['region'] as const,
  registers,
});

export const billingChargedKopecks = new Counter({
  name: 'abonent_billing_charged_kopecks_total',
  help: 'Kopecks charged by the billing runs of this process, by region code',
  labelNames: ['region'] as const,
  registers,
});

export const paymentsTotal = new Counter({
  name: 'abonent_payments_total',
  help: 'Payments decided by this process, by provider (test_acquirer, yookassa, agent, …) and outcome (credited, failed)',
  labelNames: ['provider', 'outcome'] as const,
  registers,
});

export const outboxDeliveries = new Counter({
  name: 'abonent_outbox_deliveries_total',
  help: 'E-mail and SMS delivery attempts, by channel and outcome (sent, retry, failed, throttled: given back without using a try)',
  labelNames: ['channel', 'outcome'] as const,
  registers,
});

export const receiptAttempts = new Counter({
  name: 'abonent_receipts_attempts_total',
  help: 'Fiscal receipt job attempts, by outcome (done; failed: ATOL refused it; error: ATOL or the network failed; waiting: report not ready)',
  labelNames: ['outcome'] as const,
  registers,
});

/** The provider label of a payment: agents are counted together (`agent:<code>` → `agent`). */
export function paymentProviderLabel(provider: string): string {
  return provider.startsWith('agent:') ? 'agent' : provider;
}

export const authAttempts = new Counter({
  name: 'abonent_auth_attempts_total',
  help: 'Attempts at a secret (password, TOTP code, one-time code) by endpoint and outcome: right and wrong were checked, refused were stopped by a limit before any check',
  labelNames: ['endpoint', 'outcome'] as const,
  registers,
});
