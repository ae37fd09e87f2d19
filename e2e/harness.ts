import type { AddressInfo } from 'node:net';

import { type BrowserContext, chromium } from 'playwright-core';

import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { JobWorker } from '../server/jobs/queue.js';
import { allJobs } from '../server/jobs/registry.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import { createTestDatabase } from '../server/test/db.js';
import { buildRegion, buildService, buildStaff, buildTariff } from '../server/test/factories.js';

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/**
 * A running Abonent for a spec: the built web app served by the real server on 127.0.0.1, a fresh
 * database with one region, its tariffs and services, an operator, and the job worker delivering
 * messages (to the dev sink, readable at /api/dev/outbox). `env` adds configuration (a provider's fake).
 */
export async function startAbonent(env: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }) };
  const app = await buildApp({ config, database, serveWeb: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  config.publicUrl = base;
  const worker = new JobWorker(app.deps, allJobs, { pollMs: 200 });
  worker.start();
  const db = database.db;
  const region = await buildRegion(db, {
    nameRu: 'Санкт-Петербург',
    nameEn: 'Saint Petersburg',
    supportPhone: '88005559167',
  });
  const tariff = await buildTariff(db, {
    regionId: region.id,
    nameRu: 'Домашний 300',
    nameEn: 'Home 300',
    monthlyFee: 75_000,
    speedDownKbps: 300_000,
  });
  await buildService(db, {
    regionId: region.id,
    kind: 'tv',
    nameRu: 'ТВ Базовый',
    nameEn: 'TV Basic',
    monthlyFee: 19_900,
  });
  const operatorPassword = 'Operator-2026';
  const operator = await buildStaff(db, {
    role: 'operator',
    email: 'operator@abonent.test',
    passwordHash: await hashPassword(operatorPassword),
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    base,
    app,
    db,
    region,
    tariff,
    operator: { email: operator.user.email, password: operatorPassword },
    browser,
    async newContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
      return browser.newContext({ viewport, baseURL: base, acceptDownloads: true, locale: 'ru-RU' });
    },
    async close() {
      await browser.close();
      await worker.stop();
      await app.close();
      await database.close();
    },
  };
}

export type Abonent = Awaited<ReturnType<typeof startAbonent>>;
