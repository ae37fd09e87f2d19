import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../../../common/dates.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildService, buildStaff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { chargeBatch } from '../billing/charge-batch.js';
import { handleMobileRequest, requestMobile } from '../mobile/mobile-requests.js';
import { addIpRange } from './ip-pool-admin.js';

// Issue 30, item 1: once a mobile package was connected, GET /api/me/addons answered 500 (its response
// schema knew only TV and static IP). Every API that lists a subscriber's services lists every kind.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const db = () => t.database.db;
const today = () => todayIn('Europe/Moscow');

describe('every add-on kind — TV, static IP, mobile — on every API that lists services', () => {
  it('lists, previews and removes a connected mobile package; the cabinet, the staff card and the statement name each kind', async () => {
    const region = await buildRegion(db());
    const tv = await buildService(db(), { regionId: region.id, kind: 'tv', nameRu: 'ТВ Базовый', monthlyFee: 19_900 });
    const ip = await buildService(db(), { regionId: region.id, kind: 'static_ip', nameRu: 'Статический IP' });
    const mobile = await buildService(db(), {
      regionId: region.id,
      kind: 'mobile',
      nameRu: 'Мобильный 10 ГБ',
      monthlyFee: 30_000,
    });
    const spare = await buildService(db(), { regionId: region.id, kind: 'mobile', nameRu: 'Мобильный 30 ГБ' });
    await addIpRange(db(), { regionId: region.id, cidr: '198.51.100.0/30', staffId: 1 });
    const s = await signedInSubscriber(t.app, db(), { regionId: region.id, balance: 100_000 });
    const op = await buildStaff(db(), { role: 'operator' });
    for (const serviceId of [tv.id, ip.id]) {
      const r = await t.app.inject({ method: 'POST', url: '/api/me/addons', headers: s.auth, payload: { serviceId } });
      expect(r.statusCode).toBe(200);
    }
    const asked = await requestMobile(db(), {
      accountId: s.account.id,
      serviceId: mobile.id,
      phone: '+7 921 000-00-00',
      convenientTime: 'вечером',
      actor: { type: 'subscriber', accountId: s.account.id },
    });
    await handleMobileRequest(db(), { id: asked.id, status: 'connected', staffId: op.user.id });

    const mine = await t.app.inject({ method: 'GET', url: '/api/me/addons', headers: s.auth });
    expect(mine.statusCode).toBe(200);
    const byId = (id: number) => mine.json().addons.find((x: { serviceId: number }) => x.serviceId === id);
    expect(byId(tv.id)).toMatchObject({ kind: 'tv', connected: true, unavailable: null });
    expect(byId(ip.id)).toMatchObject({
      kind: 'static_ip',
      connected: true,
      subscription: { address: '198.51.100.1' },
    });
    expect(byId(mobile.id)).toMatchObject({ kind: 'mobile', connected: true, unavailable: null });
    // A mobile package not connected is shown, asked for through a request (never connected here).
    expect(byId(spare.id)).toMatchObject({ kind: 'mobile', connected: false, unavailable: 'by_request' });
    const direct = await t.app.inject({
      method: 'POST',
      url: '/api/me/addons',
      headers: s.auth,
      payload: { serviceId: spare.id },
    });
    expect(direct.json().error.code).toBe('addon_not_available');

    const staffList = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${s.account.id}/addons`,
      headers: op.auth,
    });
    expect(staffList.statusCode).toBe(200);
    expect(
      staffList
        .json()
        .addons.map((x: { kind: string }) => x.kind)
        .sort(),
    ).toEqual(['mobile', 'mobile', 'static_ip', 'tv']);

    // The cabinet's overview and the staff card name each kind (and the static IP's address).
    const overview = await t.app.inject({ method: 'GET', url: '/api/me/overview', headers: s.auth });
    expect(
      overview
        .json()
        .services.map((x: { kind: string }) => x.kind)
        .sort(),
    ).toEqual(['mobile', 'static_ip', 'tv']);
    const card = await t.app.inject({ method: 'GET', url: `/api/staff/accounts/${s.account.id}`, headers: op.auth });
    expect(card.json().subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'tariff', serviceKind: null }),
        expect.objectContaining({ name: 'ТВ Базовый', serviceKind: 'tv', address: null }),
        expect.objectContaining({ name: 'Статический IP', serviceKind: 'static_ip', address: '198.51.100.1' }),
        expect.objectContaining({ name: 'Мобильный 10 ГБ', serviceKind: 'mobile', address: null }),
      ]),
    );

    // Charged (here: on a day they are all in force), the statement names each charge by kind and name.
    await chargeBatch(db(), { regionId: region.id, day: '2099-01-01', fromId: s.account.id, toId: s.account.id });
    const statement = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${s.account.id}/statement?from=2099-01-01&to=2099-01-01`,
      headers: op.auth,
    });
    expect(
      statement
        .json()
        .entries.map((e: { description: string }) => e.description)
        .sort(),
    ).toEqual([
      'Мобильный интернет «Мобильный 10 ГБ»',
      'Статический IP «Статический IP»',
      'ТВ-пакет «ТВ Базовый»',
      expect.stringMatching(/^Тариф «.+»$/),
    ]);

    // The mobile package is removed like any add-on, after its preview.
    const preview = await t.app.inject({
      method: 'POST',
      url: '/api/me/addons/preview',
      headers: s.auth,
      payload: { serviceId: mobile.id, action: 'disconnect' },
    });
    expect(preview.json()).toMatchObject({ service: { kind: 'mobile' }, monthlyFeeBefore: expect.any(Number) });
    expect(preview.json().monthlyFeeAfter).toBe(preview.json().monthlyFeeBefore - 30_000);
    const off = await t.app.inject({ method: 'DELETE', url: `/api/me/addons/${mobile.id}`, headers: s.auth });
    expect(off.json()).toMatchObject({ lastDay: today() });
    const after = await t.app.inject({ method: 'GET', url: '/api/me/addons', headers: s.auth });
    expect(after.json().addons.find((x: { serviceId: number }) => x.serviceId === mobile.id)).toMatchObject({
      connected: false,
      unavailable: 'by_request',
    });
  });
});
