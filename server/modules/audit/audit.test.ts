import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff, buildTariff } from '../../test/factories.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('audit log API', () => {
  it('shows admins who changed what, and nobody else', async () => {
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const region = await buildRegion(t.database.db);
    const tariff = await buildTariff(t.database.db, { regionId: region.id });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/staff/tariffs/${tariff.id}`,
      headers: admin.auth,
      payload: { nameRu: 'Новое имя' },
    });
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/staff/audit?entity=tariff&entityId=${tariff.id}`,
      headers: admin.auth,
    });
    expect(res.statusCode).toBe(200);
    const [entry] = res.json().entries;
    expect(entry).toMatchObject({
      actorType: 'staff',
      actorId: String(admin.user.id),
      action: 'tariff.update',
      entity: 'tariff',
    });
    expect(entry.before.nameRu).toBe('Домашний 100');
    expect(entry.after.nameRu).toBe('Новое имя');
    for (const role of ['operator', 'support', 'finance'] as const) {
      const s = await buildStaff(t.database.db, { role });
      expect((await t.app.inject({ method: 'GET', url: '/api/staff/audit', headers: s.auth })).statusCode).toBe(403);
    }
  });
});
