import type { AddressInfo } from 'node:net';

import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import { type Db, queryRows } from '../db/client.js';
import type { AppDeps } from '../deps.js';
import { signTestAcquirer } from '../integrations/acquiring/test-acquirer.js';
import { JobWorker } from '../jobs/queue.js';
import { allJobs } from '../jobs/registry.js';
import { testAcquirerSecret } from '../modules/payments/test-acquirer-secret.js';
import { createTestDatabase } from './db.js';

/**
 * An app over a pooled test database, listening on a local port so the test acquirer's notification
 * job really POSTs to the webhook over HTTP (config.publicUrl points at it).
 */
export async function startPaymentsApp(overrides: Partial<Config> = {}, deps: Partial<AppDeps> = {}) {
  const database = await createTestDatabase({ poolSize: 8 });
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), ...overrides };
  const app = await buildApp({ config, database, deps });
  await app.listen({ port: 0, host: '127.0.0.1' });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const db = database.db;
  return {
    app,
    db,
    config,
    deps: app.deps,
    drain: () => new JobWorker(app.deps, allJobs).drain(),
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** Card page → submit: what the payer does in the browser. Returns the Location of the redirect. */
export async function payByCard(app: FastifyInstance, confirmationUrl: string, card = '4111 1111 1111 1111') {
  const path = new URL(confirmationUrl).pathname;
  const res = await app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ number: card, expiry: '12/30', cvc: '123', holder: 'IVAN IVANOV' }).toString(),
  });
  return res;
}

export function signedNotification(config: Config, externalId: string, event = 'payment.succeeded') {
  const body = JSON.stringify({ event, object: { id: externalId } });
  return { body, signature: signTestAcquirer(testAcquirerSecret(config), body) };
}

export async function accountState(db: Db, accountId: number) {
  const [a] = await queryRows<{
    balance: number;
    status: string;
    promised_credit: number;
    entries: number;
    ledger: number;
  }>(
    db,
    sql`select a.balance, a.status, a.promised_credit,
          (select count(*)::int from ledger_entries l where l.account_id = a.id) as entries,
          (select coalesce(sum(amount), 0)::int8 from ledger_entries l where l.account_id = a.id) as ledger
        from accounts a where a.id = ${accountId}`,
  );
  return a!;
}
