import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readMigrations } from '../../db/migrate.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('health', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness with nothing but ok', async () => {
    for (const url of ['/api/health/live', '/api/health/ready', '/api/health']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    }
  });

  it('shows details (version, database, timings) to admins only', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/health/details' })).statusCode).toBe(401);
    const operator = await buildStaff(t.database.db, { role: 'operator' });
    expect((await t.app.inject({ method: 'GET', url: '/api/health/details', headers: operator.auth })).statusCode).toBe(
      403,
    );
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const res = await t.app.inject({ method: 'GET', url: '/api/health/details', headers: admin.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ready',
      db: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      version: packageVersion,
      schema: { state: 'current', migrations: readMigrations().length, migratedBy: packageVersion },
      replica: false,
      checks: { database: { ok: true, ms: expect.any(Number) }, replica: null },
    });
  });

  it('tells every staff member which release runs (the back office shows it)', async () => {
    const operator = await buildStaff(t.database.db, { role: 'support' });
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: operator.auth });
    expect(me.json()).toMatchObject({ type: 'staff', version: packageVersion });
  });

  it('answers unknown API routes with a JSON error in the caller language', async () => {
    const ru = await t.app.inject({ method: 'GET', url: '/api/nope' });
    expect(ru.statusCode).toBe(404);
    expect(ru.json()).toEqual({ error: { code: 'route_not_found', message: 'Нет такого адреса API' } });
    const en = await t.app.inject({ method: 'GET', url: '/api/nope', headers: { 'accept-language': 'en-US' } });
    expect(en.json().error.message).toBe('No such API route');
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/api/health/ready']).toBeDefined();
  });

  // Last: draining cannot be undone.
  it('stops being ready while draining, stays alive, and asks clients to reconnect elsewhere', async () => {
    t.app.deps.lifecycle.beginDrain(10_000);
    const ready = await t.app.inject({ method: 'GET', url: '/api/health/ready', headers: { 'accept-language': 'en' } });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      error: { code: 'not_ready', message: 'The server is not ready for requests, try again later' },
    });
    const live = await t.app.inject({ method: 'GET', url: '/api/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.headers.connection).toBe('close');
  });
});
