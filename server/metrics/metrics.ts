import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import { RequestHistogram } from './request-histogram.js';

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

export const httpDuration = new RequestHistogram({
  name: 'abonent_http_request_duration_seconds',
  help: 'HTTP request latency by route (the route pattern, "unmatched" for unknown paths), method and status code',
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
  help: 'Payments decided by this process, by provider (test_acquirer, yookassa, agent, …) and outcome (credited; canceled: the payer abandoned the card form or the bank declined; failed: refused by Abonent or the agent)',
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

/** Starts every series of `counter` at 0, so the first real increment shows in increase()/rate(). */
export function zeroSeries<L extends string>(counter: Counter<L>, combos: Partial<Record<L, string>>[]): void {
  for (const labels of combos) counter.inc(labels, 0);
}

/** Every combination of the given label values (for zeroSeries). */
export function combinations<L extends string>(values: Record<L, readonly string[]>): Record<L, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const [name, list] of Object.entries<readonly string[]>(values)) {
    out = out.flatMap((o) => list.map((v) => ({ ...o, [name]: v })));
  }
  return out;
}

// ---- RADIUS (docs/network.md, "Observability") ----

export const radiusRequestDuration = new Histogram({
  name: 'abonent_radius_request_duration_seconds',
  help: "Time the RADIUS API took to answer FreeRADIUS's rlm_rest, from the request's arrival to its answer, by endpoint (authorize, accounting, post-auth, clients)",
  labelNames: ['endpoint'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers,
});

export const radiusAuth = new Counter({
  name: 'abonent_radius_auth_total',
  help: 'Access-Request outcomes by result (accept; redirect: a debtor or suspended subscriber let into the captive portal; reject; error: not answered) and reason (active, debtor, suspended, unknown, password, mac_binding, terminated, no_password, not_ready, cache, cache_reject, …)',
  labelNames: ['result', 'reason'] as const,
  registers,
});

export const radiusAccounting = new Counter({
  name: 'abonent_radius_accounting_records_total',
  help: 'Accounting records taken from FreeRADIUS, by status type (start, interim, stop, on, off; ignored: not one Abonent keeps)',
  labelNames: ['status'] as const,
  registers,
});

export const COA_KINDS_LABEL = ['coa', 'disconnect'] as const;
export const COA_OUTCOMES = ['ack', 'nak', 'timeout', 'error'] as const;
export const coaRequests = new Counter({
  name: 'abonent_coa_requests_total',
  help: 'CoA and Disconnect-Requests sent to NAS (each with its retransmissions), by kind and outcome (ack, nak, timeout: no answer, error: not sent)',
  labelNames: ['kind', 'outcome'] as const,
  registers,
});

export const coaNaks = new Counter({
  name: 'abonent_coa_naks_total',
  help: 'CoA-NAK and Disconnect-NAK answers by kind and Error-Cause (RFC 5176 §3.6: Session-Context-Not-Found, Unsupported-Attribute, …)',
  labelNames: ['kind', 'error_cause'] as const,
  registers,
});

export const coaGivenUp = new Counter({
  name: 'abonent_coa_given_up_total',
  help: 'CoA and Disconnect-Requests given up on after every retry, left to staff (coa_escalations)',
  labelNames: ['kind'] as const,
  registers,
});

export const coaDuration = new Histogram({
  name: 'abonent_coa_duration_seconds',
  help: "From sending a CoA or Disconnect-Request to the NAS's answer (retransmissions included), by kind",
  labelNames: ['kind'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

export const coaApplySeconds = new Histogram({
  name: 'abonent_coa_apply_seconds',
  help: "From an account's change (blocked, paid, suspended, plan changed) to the NAS acknowledging it on the live session, by kind",
  labelNames: ['kind'] as const,
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers,
});

/**
 * What the RADIUS side of this process holds in memory, read at each scrape: the directory's age, whether
 * it is current, its size, and the records waiting in the spools. Null where RADIUS is off.
 */
export interface RadiusState {
  directoryAgeSeconds: number | null;
  directoryCurrent: boolean;
  directoryEntries: number;
  spooled: { writer: string; records: number; databaseDown: boolean }[];
}
let radiusStateSource: (() => RadiusState) | null = null;
/** NetworkRuntime registers itself (the latest one started: one per process in production). */
export function setRadiusStateSource(source: (() => RadiusState) | null): void {
  radiusStateSource = source;
}

new Gauge({
  name: 'abonent_radius_directory_age_seconds',
  help: 'Seconds since the RADIUS directory (the in-memory answers) last read everything from the database',
  registers,
  collect() {
    this.reset();
    const age = radiusStateSource?.().directoryAgeSeconds;
    if (age !== null && age !== undefined) this.set(age);
  },
});
new Gauge({
  name: 'abonent_radius_directory_current',
  help: '1 while the RADIUS directory follows the database (change notifications flowing, last read succeeded), else 0',
  registers,
  collect() {
    this.reset();
    const s = radiusStateSource?.();
    if (s) this.set(s.directoryCurrent ? 1 : 0);
  },
});
new Gauge({
  name: 'abonent_radius_directory_entries',
  help: 'Accounts with network access in the RADIUS directory of this process',
  registers,
  collect() {
    this.reset();
    const s = radiusStateSource?.();
    if (s) this.set(s.directoryEntries);
  },
});
new Gauge({
  name: 'abonent_radius_spool_records',
  help: "Post-auth and accounting records in this process's disk spool, waiting for the database, by writer",
  labelNames: ['writer'] as const,
  registers,
  collect() {
    this.reset();
    for (const w of radiusStateSource?.().spooled ?? []) this.set({ writer: w.writer }, w.records);
  },
});
new Gauge({
  name: 'abonent_radius_database_down',
  help: '1 while a RADIUS writer (post-auth, accounting) cannot write to the database and spools instead, by writer',
  labelNames: ['writer'] as const,
  registers,
  collect() {
    this.reset();
    for (const w of radiusStateSource?.().spooled ?? []) this.set({ writer: w.writer }, w.databaseDown ? 1 : 0);
  },
});

zeroSeries(coaRequests, combinations({ kind: COA_KINDS_LABEL, outcome: COA_OUTCOMES }));
zeroSeries(coaGivenUp, combinations({ kind: COA_KINDS_LABEL }));
zeroSeries(
  radiusAuth,
  [
    ['accept', 'active'],
    ['redirect', 'debtor'],
    ['redirect', 'suspended'],
    ['reject', 'unknown'],
    ['reject', 'password'],
    ['reject', 'mac_binding'],
    ['reject', 'sessions'],
    ['reject', 'terminated'],
    ['reject', 'no_password'],
    ['error', 'not_ready'],
  ].map(([result, reason]) => ({ result: result!, reason: reason! })),
);
zeroSeries(radiusAccounting, combinations({ status: ['start', 'interim', 'stop', 'on', 'off', 'ignored'] }));
zeroSeries(
  paymentsTotal,
  combinations({ provider: ['test_acquirer', 'yookassa', 'agent'], outcome: ['credited', 'canceled', 'failed'] }),
);
zeroSeries(outboxDeliveries, combinations({ channel: ['email', 'sms'], outcome: ['sent', 'retry', 'failed'] }));
zeroSeries(receiptAttempts, combinations({ outcome: ['done', 'failed', 'error', 'waiting'] }));
