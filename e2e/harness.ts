import type { AddressInfo } from 'node:net';

import { AxeBuilder } from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

import { buildApp } from '../server/app.js';
import { type Config, loadConfig } from '../server/config.js';
import type { Db } from '../server/db/client.js';
import { type JobDefinition, JobWorker } from '../server/jobs/queue.js';
import { allJobs } from '../server/jobs/registry.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import { createTestDatabase } from '../server/test/db.js';
import { buildRegion, buildService, buildStaff, buildTariff } from '../server/test/factories.js';
import { nextTotpCode } from '../server/test/sign-in.js';

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/**
 * What went wrong while a test ran, besides its own assertions: every console error in any page of a
 * watched browser context (Chromium reports CSP violations, failed loads and `console.error` there),
 * every uncaught error in a page, every 5xx answer a page received, and every 5xx the server sent
 * (also to `app.inject` and `fetch` calls). `e2e/setup.ts` fails each test that leaves one behind.
 */
const problems: string[] = [];
/** Problems a test said it causes on purpose (expectProblem): consumed, once each, by the check. */
const expected: { pattern: RegExp; seen: boolean }[] = [];

/** Records a problem for the end-of-test check (also for servers and browsers a spec starts itself). */
export function reportProblem(what: string): void {
  problems.push(what);
}

/**
 * A test that causes a console error on purpose (a 401 answer to a wrong password, say) names it here;
 * the check then passes it, and fails the test if it never happened. Keep the pattern narrow.
 */
export function expectProblem(pattern: RegExp): void {
  expected.push({ pattern, seen: false });
}

/** Watches every page of a browser context: console errors, uncaught page errors, 5xx answers. */
export function watchContext(ctx: BrowserContext): BrowserContext {
  ctx.on('console', (m) => {
    if (m.type() === 'error') reportProblem(`console error on ${m.page()?.url() ?? '?'}: ${m.text()}`);
  });
  ctx.on('weberror', (e) => reportProblem(`uncaught error on ${e.page()?.url() ?? '?'}: ${e.error().message}`));
  ctx.on('response', (r) => {
    if (r.status() >= 500) reportProblem(`the browser got ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  return ctx;
}

/**
 * The check `e2e/setup.ts` runs after every test: throws, listing them, when anything went wrong that
 * the test did not expect, or when an expected problem never happened. Clears both lists.
 */
export function assertNoProblems(): void {
  const found = problems.splice(0);
  const wanted = expected.splice(0);
  const unexpected = found.filter((p) => {
    const e = wanted.find((w) => w.pattern.test(p));
    if (e) e.seen = true;
    return !e;
  });
  const missing = wanted.filter((w) => !w.seen).map((w) => `expected but did not happen: ${String(w.pattern)}`);
  const all = [...unexpected, ...missing];
  if (all.length) throw new Error(`The browser or the server reported problems:\n- ${all.join('\n- ')}`);
}

/**
 * Types a day into one of the app's date fields as a person does ("12.12.2026" on Russian pages) and
 * leaves the field, closing its calendar.
 */
export async function typeDay(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label);
  await field.fill(text);
  await field.press('Escape');
  await field.blur();
}

/** axe finds no serious or critical violation, judged once the page is quiet and transitions are over. */
export async function noSeriousA11yViolations(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => document.getAnimations().every((x) => x.playState !== 'running'));
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/**
 * The app's log, read for 5xx answers: each `request` line with a status of 500 or more becomes a
 * problem, with the error the request logged before it (the reason: a failed query, a response that
 * does not match its schema…).
 */
function serverLog() {
  const errors = new Map<string, string>();
  return {
    write(line: string) {
      let o: {
        level?: number;
        reqId?: string;
        msg?: string;
        status?: number;
        method?: string;
        path?: string;
        err?: { message?: string };
      };
      try {
        o = JSON.parse(line) as typeof o;
      } catch {
        return;
      }
      if ((o.level ?? 0) >= 50 && o.reqId) errors.set(o.reqId, `${o.msg ?? ''}: ${o.err?.message ?? ''}`);
      if (o.msg === 'request' && (o.status ?? 0) >= 500) {
        reportProblem(
          `the server answered ${o.status} to ${o.method} ${o.path}${o.reqId && errors.has(o.reqId) ? ` (${errors.get(o.reqId)})` : ''}`,
        );
      }
      if (o.msg === 'request' && o.reqId) errors.delete(o.reqId);
    },
  };
}

/**
 * A running Abonent for a spec: the built web app served by the real server on 127.0.0.1, a fresh
 * database with one region, its tariffs and services, an operator, and the job worker delivering
 * messages (to the dev sink, readable at /api/dev/outbox). `env` adds configuration (a provider's fake).
 */
/**
 * `env`: variables as the environment gives them (parsed by loadConfig); `overrides`: typed config values;
 * `jobs`: the job definitions the worker runs, when a spec must pace one (default: all of them).
 */
export async function startAbonent(
  env: Record<string, string> = {},
  overrides: Partial<Config> = {},
  opts: { jobs?: JobDefinition[] } = {},
) {
  const database = await createTestDatabase();
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }), ...overrides };
  const app = await buildApp({ config, database, serveWeb: true, logger: { level: 'info', stream: serverLog() } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  config.publicUrl = base;
  const worker = new JobWorker(app.deps, opts.jobs ?? allJobs, { pollMs: 200 });
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
    /**
     * A browser context whose pages are watched (watchContext). The browser's own locale is Russian
     * unless given (the app's language is its own setting).
     */
    async newContext(viewport: { width: number; height: number }, locale = 'ru-RU'): Promise<BrowserContext> {
      return watchContext(await browser.newContext({ viewport, baseURL: base, acceptDownloads: true, locale }));
    },
    async close() {
      await browser.close();
      await worker.stop();
      await app.close();
      await database.close();
      // What happened after the last test (or in a suite whose tests never ran the check) still counts.
      assertNoProblems();
    },
  };
}

export type Abonent = Awaited<ReturnType<typeof startAbonent>>;

/**
 * The back office's sign-in form as a person fills it: e-mail, password and — for a staff member with
 * TOTP (admin and finance must have it; buildStaff gives them a secret) — the current code.
 */
export async function signInStaffPage(
  page: Page,
  db: Db,
  staff: { email: string; password: string; id?: number; totpSecret?: string | null },
): Promise<void> {
  await page.goto('/staff/login');
  await page.getByLabel('E-mail').fill(staff.email);
  await page.getByLabel('Пароль').fill(staff.password);
  if (staff.totpSecret && staff.id)
    await page
      .getByLabel('Код из приложения (если включён)')
      .fill(await nextTotpCode(db, { type: 'staff', id: staff.id }, staff.totpSecret));
  await page.getByRole('button', { name: 'Войти' }).click();
}
