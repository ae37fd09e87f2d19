import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dropDatabase, newTestDbName, withAdmin, withDbName } from '../server/test/db.js';
import { reportProblem, VIEWPORTS, watchContext } from './harness.js';

/**
 * docs/deploy.md from the first start: the real production server (NODE_ENV=production, its own
 * empty database, the built web app) and the real `abonent staff create-admin`, then the back office
 * in Chromium — the admin makes a region, a plan and an operator; the operator signs a contract in the
 * new region; the subscriber signs in. Found by visible Russian labels, as an ISP's staff would.
 */
const root = new URL('..', import.meta.url).pathname;
const SECRET = 'e2e-production-secret-0123456789';
const ADMIN = { email: 'chief@isp.example', password: 'Chief-Billing-2026' };
const pgUrl = process.env.DATABASE_URL;

let port = 0;
let dbEnv: Record<string, string>;
let cleanup: () => Promise<void>;
let browser: Browser;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** The environment of a production install on this machine (docs/deploy.md), without any demo switch. */
function productionEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...dbEnv, ...extra };
  delete env.DEMO_SEED;
  if (!pgUrl) delete env.DATABASE_URL;
  return {
    ...env,
    NODE_ENV: 'production',
    APP_SECRET: SECRET,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
}

/** `node server/main.ts` as the systemd unit runs it; resolves once it answers ready. */
async function startServer(): Promise<{ proc: ChildProcess; output: () => string; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env: productionEnv() });
  let out = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok && out.includes('is running')) break;
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    proc,
    output: () => out,
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
      // An error logged while serving a request is a 5xx (server/plugins/errors.ts): it fails the test.
      for (const line of out.split('\n')) {
        const o = (() => {
          try {
            return JSON.parse(line) as { level?: number; reqId?: string; msg?: string; err?: { message?: string } };
          } catch {
            return null;
          }
        })();
        if (o && (o.level ?? 0) >= 50 && o.reqId) reportProblem(`the server logged ${o.msg}: ${o.err?.message ?? ''}`);
      }
    },
  };
}

function cli(args: string[], extra: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/abonent.js'), ...args], {
      cwd: root,
      env: productionEnv(extra),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  port = await freePort();
  if (pgUrl) {
    // An empty database, not the test template: the production start migrates it itself.
    const name = newTestDbName('install');
    await withAdmin(pgUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    dbEnv = { DATABASE_URL: withDbName(pgUrl, name), DATA_DIR: mkdtempSync(join(tmpdir(), 'abonent-install-')) };
    cleanup = () => dropDatabase(pgUrl, name);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-install-'));
    dbEnv = { DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await cleanup?.();
});

describe('a production install from an empty database', () => {
  it('refuses demo logins and says what to run; create-admin; the admin builds a region in which a contract is signed', async () => {
    // First start: no demo data, and the next step in words.
    const first = await startServer();
    expect(first.output()).toContain('No administrator yet');
    expect(first.output()).toContain('abonent staff create-admin --email');
    const base = `http://127.0.0.1:${port}`;
    const demoStaff = await fetch(`${base}/api/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@abonent.example', password: 'Demo-Admin-2026' }),
    });
    expect(demoStaff.status).toBe(401);
    const regions = (await (await fetch(`${base}/api/public/regions`)).json()) as { regions: unknown[] };
    expect(regions.regions).toEqual([]);
    await first.stop();

    // The first administrator, password from the environment (never an argument, never printed).
    const made = await cli(['staff', 'create-admin', '--email', ADMIN.email, '--name', 'Главный администратор'], {
      ABONENT_ADMIN_PASSWORD: ADMIN.password,
    });
    expect(made.out).toContain(`administrator ${ADMIN.email} created`);
    expect(made.code).toBe(0);
    expect(made.out).not.toContain(ADMIN.password);

    const server = await startServer();
    try {
      expect(server.output()).not.toContain('No administrator yet');
      const ctx = watchContext(
        await browser.newContext({ viewport: VIEWPORTS.desktop, baseURL: base, locale: 'ru-RU' }),
      );
      const ap = await ctx.newPage();
      await ap.goto('/staff/login');
      await ap.getByLabel('E-mail').fill(ADMIN.email);
      await ap.getByLabel('Пароль').fill(ADMIN.password);
      await ap.getByRole('button', { name: 'Войти' }).click();
      await ap.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();

      // A region.
      await ap.getByRole('link', { name: 'Регионы' }).click();
      await ap.getByText('Регионов пока нет').waitFor();
      await ap.getByRole('button', { name: 'Добавить регион' }).click();
      const dialog = ap.getByRole('dialog');
      await dialog.getByLabel('Название (по-русски)').fill('Тверь');
      await dialog.getByLabel('Название (по-английски)').fill('Tver');
      await dialog.getByLabel('Код региона').fill('tver');
      await dialog.getByLabel('Префикс номеров договоров').fill('69');
      await dialog.getByLabel('Горячая линия').fill('8 (4822) 00-00-00');
      await dialog.getByLabel('E-mail поддержки').fill('help@tver.example');
      await dialog.getByRole('button', { name: 'Сохранить' }).click();
      await ap.getByTestId('regions-list').getByText('Тверь').waitFor();
      expect(await ap.getByTestId('regions-list').textContent()).toContain('Europe/Moscow');

      // A plan in it.
      await ap.getByRole('link', { name: 'Тарифы и услуги' }).click();
      const tariffForm = ap.locator('form').filter({ has: ap.getByRole('button', { name: 'Добавить тариф' }) });
      await tariffForm.getByLabel('Название (рус.)').fill('Тверь 200');
      await tariffForm.getByLabel('Код').fill('tver200');
      await tariffForm.getByLabel('Абонентская плата').fill('650');
      await tariffForm.getByRole('button', { name: 'Добавить тариф' }).click();
      await ap.getByRole('textbox', { name: 'Плата «Тверь 200», ₽' }).waitFor();

      // An operator.
      await ap.getByRole('link', { name: 'Сотрудники' }).click();
      await ap.getByRole('heading', { level: 1, name: 'Сотрудники' }).waitFor();
      await ap.getByLabel(/^ФИО/).fill('Ольга Операторова');
      await ap.getByLabel('E-mail для входа').fill('olga@isp.example');
      await ap.getByLabel('Начальный пароль').fill('Operator-Tver-2026');
      // Her region: without one she would see no subscriber (docs/auth.md, "Regions").
      await ap.getByRole('combobox', { name: 'Регионы', exact: true }).click();
      await ap.getByRole('option', { name: 'Тверь' }).click();
      await ap.keyboard.press('Escape');
      await ap.getByRole('button', { name: 'Создать' }).click();
      await ap.getByText('Сотрудник olga@isp.example создан').waitFor();
      await ap.screenshot({ path: '/tmp/e2e-install-staff.png', fullPage: true });
      await ctx.close();

      // The operator signs a contract in the new region.
      const octx = watchContext(
        await browser.newContext({ viewport: VIEWPORTS.desktop, baseURL: base, locale: 'ru-RU' }),
      );
      const op = await octx.newPage();
      await op.goto('/staff/login');
      await op.getByLabel('E-mail').fill('olga@isp.example');
      await op.getByLabel('Пароль').fill('Operator-Tver-2026');
      await op.getByRole('button', { name: 'Войти' }).click();
      await op.getByRole('link', { name: 'Новый договор' }).click();
      // The search page has a field named "…телефон или ФИО": wait for the contract form itself.
      await op.getByRole('heading', { level: 1, name: 'Новый договор' }).waitFor();
      await op.getByLabel(/^ФИО/).fill('Смирнов Пётр Ильич');
      await op.getByLabel(/^Телефон/).fill('+7 910 555-00-12');
      await op.getByLabel('Адрес подключения').fill('г. Тверь, ул. Советская, д. 5, кв. 1');
      await op.getByLabel('Паспорт: серия и номер').fill('2801 123456');
      await op.getByLabel('Регион').first().click();
      await op.getByRole('option', { name: 'Тверь' }).click();
      await op.getByLabel('Тариф').first().click();
      await op.getByRole('option', { name: /Тверь 200/ }).click();
      await op.getByRole('button', { name: 'Заключить договор' }).click();
      // Signing hashes two passwords and renders the PDF: on a busy machine that can take a while.
      await op
        .getByRole('heading', { name: 'Договор заключён' })
        .waitFor({ timeout: 60_000 })
        .catch(async (e: unknown) => {
          await op.screenshot({ path: '/tmp/e2e-install-failed.png', fullPage: true });
          throw e;
        });
      const contract = (await op.getByTestId('contract-number').textContent())!.trim();
      const password = (await op.getByTestId('initial-password').textContent())!.trim();
      expect(contract).toMatch(/^69\d{7}$/);
      await octx.close();

      // The subscriber signs in on a phone and is asked for a password of their own.
      const sctx = watchContext(
        await browser.newContext({ viewport: VIEWPORTS.phone, baseURL: base, locale: 'ru-RU' }),
      );
      const page = await sctx.newPage();
      await page.goto('/cabinet');
      await page.getByLabel('Номер договора').fill(contract);
      await page.getByLabel('Пароль').fill(password);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByRole('heading', { name: 'Задайте новый пароль' }).waitFor();
      await page.screenshot({ path: '/tmp/e2e-install-subscriber.png' });
      await sctx.close();
    } finally {
      await server.stop();
    }
  }, 240_000);
});
