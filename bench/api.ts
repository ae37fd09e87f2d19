/**
 * API throughput benchmark: requests/s of the authenticated cabinet overview (GET /api/me/overview,
 * bearer token: session lookup + the information-block queries) against a bare Fastify route, in the
 * same process and the same run, so the ratio says how much of the framework's ceiling the real
 * endpoint keeps. autocannon, 10 connections, seven alternating rounds of 3 s each,
 * the ratio the rounds' median. Prints one JSON line; fails on any non-2xx.
 *
 * Where the time goes, in the same line: `stages_us`, microseconds per call of each stage measured
 * alone (sequentially, after a warm-up): the session lookup and each overview query as they hit the
 * database uncached, building the overview, checking + serialising its JSON, a whole cached request
 * in process (app.inject: every hook, no sockets), a liveness route through the same hooks, and the
 * bare route; `uncached_rps` is the overview with its cache off (3 s), what every first read costs.
 *
 *   npm run bench:api                         (PGlite in memory)
 *   DATABASE_URL=postgres://… npm run bench:api
 */
import type { AddressInfo } from 'node:net';

import autocannon from 'autocannon';
import Fastify from 'fastify';

import { BENCH_NEEDS, ensureDebianPackages } from '../scripts/debian-packages.mjs';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import type { Db } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { resolveSession } from '../server/modules/auth/sessions.js';
import { overviewResponse } from '../server/modules/cabinet/cabinet.schemas.js';
import { getOverview } from '../server/modules/cabinet/get-overview.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { dropBenchDatabase, openBenchDatabase } from './bench-db.js';

ensureDebianPackages(BENCH_NEEDS.api, 'bench:api');

const BENCH_DB = 'abonent_bench_api';
const CONNECTIONS = 10;
const DURATION_S = 3;
const ROUNDS = 7;
const STAGE_CALLS = 300;

/** Runs autocannon against url; throws unless every response was 2xx and nothing errored. */
async function measure(
  name: string,
  url: string,
  headers: Record<string, string> = {},
  duration = DURATION_S,
): Promise<number> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration, headers });
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0 || r['2xx'] === 0) {
    throw new Error(
      `${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts of ${r.requests.total} requests`,
    );
  }
  return r.requests.average;
}

/** Mean microseconds of `calls` sequential runs of fn, after a tenth as many unmeasured. */
async function micros(fn: () => unknown, calls = STAGE_CALLS): Promise<number> {
  for (let i = 0; i < calls / 10; i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  return Math.round(Number(process.hrtime.bigint() - start) / 1000 / calls);
}

/** A Db whose execute() (what queryRows calls) records each statement's microseconds by its place in a call. */
function timedDb(db: Db): { db: Db; startCall(): void; meanOf(i: number): number } {
  const times: number[][] = [];
  let i = 0;
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'execute') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<Db['execute']>) => {
        const at = i++;
        const start = process.hrtime.bigint();
        try {
          return await target.execute(...args);
        } finally {
          (times[at] ??= []).push(Number(process.hrtime.bigint() - start) / 1000);
        }
      };
    },
  });
  return {
    db: proxy,
    startCall: () => void (i = 0),
    meanOf: (at) => {
      const xs = times[at] ?? [];
      return Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    },
  };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function address(port: number, path: string): string {
  return `http://127.0.0.1:${port}${path}`;
}

async function main() {
  const database = await openBenchDatabase(BENCH_DB, CONNECTIONS);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const bare = Fastify();
  bare.get('/bare', () => ({ ok: true }));
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  try {
    await runMigrations(database);
    app = await buildApp({ config, database });
    const s = await signedInSubscriber(app, database.db, { balance: 150_000 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const appUrl = address((app.server.address() as AddressInfo).port, '/api/me/overview');
    const bareUrl = address((bare.server.address() as AddressInfo).port, '/bare');
    const headers = { authorization: `Bearer ${s.token}` };

    // A short warm-up of both so JIT and connection pools do not count against the first measurement.
    await measure('warm-up overview', appUrl, headers, 1);
    await measure('warm-up bare', bareUrl, {}, 1);
    // Alternating rounds: each round's ratio compares two runs seconds apart, and the ratio reported is
    // the rounds' median, so a slow spell of the shared machine falls on one round instead of on
    // whichever side was measured in it (one 10 s run of each varied the ratio by ±0.05).
    const rounds: { overview: number; bare: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push({ overview: await measure('overview', appUrl, headers), bare: await measure('bare', bareUrl) });
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const balanceRps = mean(rounds.map((r) => r.overview));
    const bareRps = mean(rounds.map((r) => r.bare));
    const roundRatios = rounds.map((r) => Number((r.overview / r.bare).toFixed(2)));

    // Where a request's time goes, stage by stage (see the header).
    const served = app;
    const timed = timedDb(database.db);
    const overview = await getOverview(database.db, s.account.id);
    const stages = {
      session_lookup: await micros(() => resolveSession(database.db, s.token)),
      overview_build: await micros(() => {
        timed.startCall();
        return getOverview(timed.db, s.account.id);
      }),
      overview_account_query: timed.meanOf(0),
      overview_services_suspensions_promotions_query: timed.meanOf(1),
      validate_serialize: await micros(() => JSON.stringify(overviewResponse.parse(overview))),
      cached_request: await micros(() => served.inject({ method: 'GET', url: '/api/me/overview', headers })),
      hooks_only_request: await micros(() => served.inject({ method: 'GET', url: '/api/health/live' })),
      bare_request: await micros(() => bare.inject({ method: 'GET', url: '/bare' })),
    };
    served.deps.caches.overviews.setEnabled(false);
    const uncachedRps = await measure('overview uncached', appUrl, headers, 3);
    served.deps.caches.overviews.setEnabled(true);
    console.log(
      JSON.stringify({
        bench: 'api',
        db: database.kind,
        balance_rps: Math.round(balanceRps),
        bare_rps: Math.round(bareRps),
        ratio: median(roundRatios),
        round_ratios: roundRatios,
        uncached_rps: Math.round(uncachedRps),
        stages_us: stages,
      }),
    );
  } finally {
    await bare.close();
    await app?.close();
    await database.close();
    await dropBenchDatabase(BENCH_DB);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
