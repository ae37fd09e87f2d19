/**
 * API throughput benchmark: requests/s of the authenticated cabinet overview (GET /api/me/overview,
 * bearer token: session lookup + the information-block queries) against a bare Fastify route, in the
 * same process and the same run, so the ratio says how much of the framework's ceiling the real
 * endpoint keeps. autocannon, 10 connections, 10 s each. Prints one JSON line; fails on any non-2xx.
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
import { runMigrations } from '../server/db/migrate.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { dropBenchDatabase, openBenchDatabase } from './bench-db.js';

ensureDebianPackages(BENCH_NEEDS.api, 'bench:api');

const BENCH_DB = 'abonent_bench_api';
const CONNECTIONS = 10;
const DURATION_S = 10;

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
    const balanceRps = await measure('overview', appUrl, headers);
    const bareRps = await measure('bare', bareUrl);
    console.log(
      JSON.stringify({
        bench: 'api',
        db: database.kind,
        balance_rps: Math.round(balanceRps),
        bare_rps: Math.round(bareRps),
        ratio: Number((balanceRps / bareRps).toFixed(2)),
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
