import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff, buildTariff } from '../../test/factories.js';
import { CONSENT_VERSION } from '../privacy/consent-text.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const newTariff = (regionId: number, code: string) => ({
  regionId,
  code,
  nameRu: 'Домашний 500',
  nameEn: 'Home 500',
  monthlyFee: 89_000,
  speedDownKbps: 500_000,
  speedUpKbps: 500_000,
  activeFrom: '2026-01-01',
});

describe('catalogue API', () => {
  it('shows the public only the tariffs available in the region today', async () => {
    const region = await buildRegion(t.database.db);
    const other = await buildRegion(t.database.db);
    const live = await buildTariff(t.database.db, { regionId: region.id });
    await buildTariff(t.database.db, { regionId: region.id, archived: true });
    await buildTariff(t.database.db, { regionId: region.id, activeTo: '2020-12-31' });
    await buildTariff(t.database.db, { regionId: other.id });
    const res = await t.app.inject({ method: 'GET', url: `/api/public/regions/${region.id}/tariffs` });
    expect(res.statusCode).toBe(200);
    expect(res.json().tariffs.map((x: { id: number }) => x.id)).toEqual([live.id]);
    const regions = await t.app.inject({ method: 'GET', url: '/api/public/regions' });
    expect(regions.json().regions.find((r: { id: number }) => r.id === region.id)).toMatchObject({
      supportPhone: '88005559167',
    });
    const missing = await t.app.inject({ method: 'GET', url: '/api/public/regions/32000/tariffs' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('region_not_found');
    const outOfRange = await t.app.inject({ method: 'GET', url: '/api/public/regions/99999/tariffs' });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.json().error.code).toBe('validation_failed');
  });

  it('lets an admin create and archive a tariff, audited; other roles only read', async () => {
    const region = await buildRegion(t.database.db);
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/staff/tariffs',
      headers: admin.auth,
      payload: newTariff(region.id, 'home500'),
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/staff/tariffs',
      headers: admin.auth,
      payload: newTariff(region.id, 'home500'),
    });
    expect(dup.statusCode).toBe(409);
    const archived = await t.app.inject({
      method: 'PATCH',
      url: `/api/staff/tariffs/${id}`,
      headers: admin.auth,
      payload: { archived: true },
    });
    expect(archived.json()).toMatchObject({ id, archived: true });
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity = 'tariff' and entity_id = ${String(id)} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['tariff.create', 'tariff.update']);

    for (const role of ['operator', 'support', 'finance'] as const) {
      const staff = await buildStaff(t.database.db, { role });
      const read = await t.app.inject({
        method: 'GET',
        url: `/api/staff/tariffs?regionId=${region.id}`,
        headers: staff.auth,
      });
      expect(read.statusCode).toBe(200);
      const write = await t.app.inject({
        method: 'POST',
        url: '/api/staff/tariffs',
        headers: staff.auth,
        payload: newTariff(region.id, `x-${role}`),
      });
      expect(write.statusCode).toBe(403);
      const patch = await t.app.inject({
        method: 'PATCH',
        url: `/api/staff/regions/${region.id}`,
        headers: staff.auth,
        payload: { supportPhone: '88000000000' },
      });
      expect(patch.statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/tariffs' })).statusCode).toBe(401);
  });

  it('refuses invalid input with a clear message and changes nothing', async () => {
    const region = await buildRegion(t.database.db);
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const before = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int8 as n from tariffs`);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/staff/tariffs',
      headers: { ...admin.auth, 'accept-language': 'en' },
      payload: { ...newTariff(region.id, 'neg'), monthlyFee: -1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect(bad.json().error.message).toMatch(/monthlyFee/);
    const frac = await t.app.inject({
      method: 'POST',
      url: '/api/staff/tariffs',
      headers: admin.auth,
      payload: { ...newTariff(region.id, 'frac'), monthlyFee: 10.5 },
    });
    expect(frac.statusCode).toBe(400);
    const after = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int8 as n from tariffs`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('updates region support contacts and prepay tiers', async () => {
    const region = await buildRegion(t.database.db);
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/staff/regions/${region.id}`,
      headers: admin.auth,
      payload: { supportPhone: '88005559168', settings: { prepayTiers: [{ months: 3, percent: 7 }] } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      supportPhone: '88005559168',
      settings: { prepayTiers: [{ months: 3, percent: 7 }] },
    });
  });

  it('lets an admin create a region, audited, in which a contract is signed; its zone is then fixed', async () => {
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const operator = await buildStaff(t.database.db, { role: 'operator' });
    const existing = await buildRegion(t.database.db);
    const body = {
      code: 'tver',
      nameRu: 'Тверь',
      nameEn: 'Tver',
      timeZone: 'Europe/Samara',
      supportPhone: '84822000000',
      supportEmail: 'help@tver.example.net',
      contractPrefix: '97',
    };
    const post = (payload: object, headers = admin.auth) =>
      t.app.inject({ method: 'POST', url: '/api/staff/regions', headers, payload });
    const regionCount = async () =>
      (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from regions`))[0]!.n;
    const count = await regionCount();

    // Refused, with the reason, changing nothing: another role, a taken code or prefix, a made-up zone.
    expect((await post(body, operator.auth)).statusCode).toBe(403);
    const takenCode = await post({ ...body, code: existing.code });
    expect(takenCode.statusCode).toBe(409);
    expect(takenCode.json().error).toMatchObject({ code: 'region_code_taken' });
    expect(takenCode.json().error.message).toContain(existing.code);
    const takenPrefix = await post({ ...body, contractPrefix: existing.contractPrefix });
    expect(takenPrefix.json().error).toMatchObject({ code: 'contract_prefix_taken' });
    const badZone = await post({ ...body, timeZone: 'Mars/Olympus' });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().error.message).toContain('IANA');
    expect((await post({ ...body, contractPrefix: '07' })).statusCode).toBe(400);
    expect(await regionCount()).toBe(count);

    const created = await post(body);
    expect(created.statusCode).toBe(201);
    const region = created.json();
    expect(region).toMatchObject({ ...body, settings: {} });
    const [audit] = await queryRows<{ actor_id: string }>(
      t.database.db,
      sql`select actor_id from audit_log where action = 'region.create' and entity_id = ${String(region.id)}`,
    );
    expect(audit?.actor_id).toBe(String(admin.user.id));
    const list = await t.app.inject({ method: 'GET', url: '/api/public/regions' });
    expect(list.json().regions.map((r: { code: string }) => r.code)).toContain('tver');

    // While empty, its zone may still be corrected.
    const patch = (payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/api/staff/regions/${region.id}`, headers: admin.auth, payload });
    expect((await patch({ timeZone: 'Europe/Moscow' })).json()).toMatchObject({ timeZone: 'Europe/Moscow' });

    // A plan, then a contract: its number carries the region's prefix.
    const tariff = await t.app.inject({
      method: 'POST',
      url: '/api/staff/tariffs',
      headers: admin.auth,
      payload: newTariff(region.id, 'tver100'),
    });
    expect(tariff.statusCode).toBe(201);
    const signed = await t.app.inject({
      method: 'POST',
      url: '/api/staff/contracts',
      headers: operator.auth,
      payload: {
        fullName: 'Смирнов Пётр Ильич',
        address: 'г. Тверь, ул. Советская, д. 5',
        phone: '+7 (910) 555-00-12',
        passport: '2801 123456',
        consentVersion: CONSENT_VERSION,
        regionId: region.id,
        tariffId: tariff.json().id,
      },
    });
    expect(signed.statusCode).toBe(201);
    expect(signed.json().contract.number).toMatch(/^97\d{7}$/);

    // Billing days are counted in the zone now: it no longer moves, while names and contacts still change.
    const locked = await patch({ timeZone: 'Asia/Yekaterinburg' });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().error.code).toBe('region_time_zone_locked');
    const renamed = await patch({ nameRu: 'Тверская область', timeZone: 'Europe/Moscow' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ nameRu: 'Тверская область', timeZone: 'Europe/Moscow' });
  });
});
