import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import type { z } from 'zod';

import { addDays, todayIn } from '../../common/dates.js';
import { queryRows } from '../db/client.js';
import type { createdAgent } from '../modules/agents/agents.schemas.js';
import type { loginResponse, staffLoginResponse, totpSetupResponse } from '../modules/auth/auth.schemas.js';
import { currentTotp } from '../modules/auth/totp.js';
import type {
  regionsWithSettingsResponse,
  servicesResponse,
  tariffsResponse,
} from '../modules/catalog/catalog.schemas.js';
import type { signContractResponse } from '../modules/contracts/contracts.schemas.js';
import type { DemoLogins } from '../modules/demo/seed-demo.js';
import type { pageResponse, requestResponse } from '../modules/mobile/mobile.schemas.js';
import type { cardsResponse, publicTopUpResponse, topUpResponse } from '../modules/payments/payments.schemas.js';
import { CONSENT_VERSION } from '../modules/privacy/consent-text.js';
import type { promotion } from '../modules/promotions/promotions.schemas.js';
import type { tariffOptionsResponse } from '../modules/services/services.schemas.js';
import type { attachment, categoriesResponse, myTicket } from '../modules/support/support.schemas.js';
import { multipartFile } from '../modules/support/support-test-helpers.js';
import type { applyResponse } from '../modules/suspension/suspension.schemas.js';
import type { infoResponse, office } from '../modules/termination/termination.schemas.js';
import type { startFakeNas } from './fakes/nas.js';
import { radiusAuth } from './network-factories.js';
import { payByCard } from './payments.js';
import { radiusRequest } from './radius-client.js';
import type { FixtureSubscriber } from './release-fixture.js';
import { restValues } from './rest-answer.js';

type Of<S extends z.ZodType> = z.infer<S>;
type Auth = Record<string, string>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A staff member with two-factor sign-in, made through the API: the fixture keeps a sealed TOTP secret. */
export const TOTP_STAFF = { email: 'support-totp@fixture.example', password: 'Fixture-Support-2026' };

/**
 * A working day of the demo ISP done through the HTTP API of this release (scripts/release-fixture.ts):
 * every row it leaves is one the release's own code wrote. The demo data must be loaded with its
 * history ending yesterday, so the billing run at the end charges today. Returns the subscribers with
 * their passwords as they are at the end (initial passwords changed) and the 2FA staff member's secret.
 */
export async function workADay(o: {
  app: FastifyInstance;
  demo: DemoLogins;
  drain: () => Promise<unknown>;
  radiusApiKey: string;
  /** A NAS for the day's sessions, with a fake NAS answering CoA at its address. */
  nas: { address: string; secret: string; fake: Awaited<ReturnType<typeof startFakeNas>> };
  log: (line: string) => void;
}) {
  const { app, demo, drain, log } = o;
  const db = app.deps.database.db;

  /** One API call; an answer of 400 or more stops the script with the answer. */
  async function call<T>(method: Method, url: string, auth: Auth | null, payload?: object): Promise<T> {
    const res = await app.inject({ method, url, headers: auth ?? {}, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 400) throw new Error(`${method} ${url}: HTTP ${res.statusCode} ${res.body}`);
    return (res.body ? res.json<T>() : {}) as T;
  }
  const staffSignIn = async (email: string, password: string): Promise<Auth> => {
    const r = await call<Of<typeof staffLoginResponse>>('POST', '/api/auth/staff/login', null, { email, password });
    return { authorization: `Bearer ${r.token}` };
  };
  const demoStaff = (role: string) => demo.staff.find((s) => s.role === role)!;
  const admin = await staffSignIn(demoStaff('admin').email, demoStaff('admin').password);
  const operator = await staffSignIn(demoStaff('operator').email, demoStaff('operator').password);
  const finance = await staffSignIn(demoStaff('finance').email, demoStaff('finance').password);

  const { regions } = await call<Of<typeof regionsWithSettingsResponse>>('GET', '/api/staff/regions', admin);
  const regionId = (code: string) => regions.find((r) => r.code === code)!.id;
  const { services } = await call<Of<typeof servicesResponse>>('GET', '/api/staff/services', admin);
  const serviceId = (region: string, code: string) =>
    services.find((s) => s.regionId === regionId(region) && s.code === code)!.id;
  const today = todayIn('Europe/Moscow');

  log('back office: a NAS, a static-IP pool, an office, a promotion, a payment agent, a staff member with 2FA');
  await call('POST', '/api/staff/nas', admin, {
    regionId: regionId('spb'),
    name: 'BRAS fixture',
    address: o.nas.address,
    secret: o.nas.secret,
    vendor: 'mikrotik',
    coaPort: o.nas.fake.port,
    description: 'release fixture: a fake NAS answered CoA here',
  });
  await call('POST', '/api/staff/ip-pool', admin, { regionId: regionId('msk'), cidr: '198.51.100.0/29' });
  const desk = await call<Of<typeof office>>('POST', '/api/staff/offices', admin, {
    regionId: regionId('spb'),
    nameRu: 'Офис на Невском',
    nameEn: 'Nevsky office',
    address: 'Невский пр., д. 1',
    hours: 'пн–пт 9:00–20:00',
    phone: '+7 812 000-00-00',
  });
  const promo = await call<Of<typeof promotion>>('POST', '/api/staff/promotions', admin, {
    regionId: regionId('spb'),
    titleRu: '100 ₽ на счёт',
    titleEn: '100 ₽ to your account',
    descriptionRu: 'Бонус каждому абоненту',
    descriptionEn: 'A bonus for every subscriber',
    startsOn: today,
    endsOn: addDays(today, 30),
    effect: 'bonus',
    amount: 10_000,
  });
  const agent = await call<Of<typeof createdAgent>>('POST', '/api/staff/agents', admin, {
    code: 'kiosk',
    name: 'Терминалы «Киоск»',
    allowedCidrs: ['127.0.0.1/32'],
  });
  const agentAuth = { authorization: `Basic ${Buffer.from(`kiosk:${agent.secret}`).toString('base64')}` };
  await call('POST', '/api/staff/users', admin, { ...TOTP_STAFF, fullName: 'Support with 2FA', role: 'support' });
  const support = await staffSignIn(TOTP_STAFF.email, TOTP_STAFF.password);
  const totp = await call<Of<typeof totpSetupResponse>>('POST', '/api/staff/me/totp/setup', support);
  await call('POST', '/api/staff/me/totp/enable', support, { secret: totp.secret, code: currentTotp(totp.secret) });

  log('contracts signed by an operator and paid at the desk; first sign-ins change the initial password');
  const { tariffs } = await call<Of<typeof tariffsResponse>>(
    'GET',
    `/api/public/regions/${regionId('spb')}/tariffs`,
    null,
  );
  const home100 = tariffs.find((t) => t.code === 'home100')!.id;
  const sign = (body: object) => call<Of<typeof signContractResponse>>('POST', '/api/staff/contracts', operator, body);
  const signed = await sign({
    fullName: 'Фикстурова Ольга Павловна',
    address: 'Санкт-Петербург, ул. Релизная, д. 1, кв. 10',
    phone: '+7 921 555-01-02',
    email: 'fixture@example.ru',
    passport: '4010 123456',
    consentVersion: CONSENT_VERSION,
    regionId: regionId('spb'),
    tariffId: home100,
    serviceIds: [serviceId('spb', 'tv-basic')],
  });
  // Terminated after the day's run below: final settlement and a cash refund.
  const leaving = await sign({
    fullName: 'Уходящий Пётр Ильич',
    address: 'Санкт-Петербург, ул. Релизная, д. 2, кв. 5',
    phone: '+7 921 555-03-04',
    passport: '4011 654321',
    consentVersion: CONSENT_VERSION,
    regionId: regionId('spb'),
    tariffId: home100,
  });
  const officePayment = (accountId: number, amount: number, method: string, key: string, comment: string) =>
    call('POST', `/api/staff/accounts/${accountId}/payments`, finance, {
      amount,
      method,
      idempotencyKey: key,
      comment,
    });
  await officePayment(signed.account.id, 60_000, 'cash', 'fixture-cash-at-signing-1', 'оплата при подписании');
  await officePayment(leaving.account.id, 60_000, 'cash', 'fixture-cash-at-signing-2', 'оплата при подписании');

  const subscribers: FixtureSubscriber[] = demo.subscribers.map((s) => ({
    contract: s.contract,
    account: s.account,
    password: s.password,
    note: s.note,
    pppoe: s.pppoe ? { login: s.contract.toLowerCase(), password: s.pppoe } : null,
  }));
  subscribers.push({
    contract: signed.contract.number,
    account: signed.account.number,
    password: signed.initialPassword,
    note: 'signed by an operator through the API',
    pppoe: signed.network,
  });
  const auth = new Map<string, Auth>();
  for (const s of subscribers) {
    const login = await call<Of<typeof loginResponse>>('POST', '/api/auth/login', null, {
      contract: s.contract,
      password: s.password,
    });
    auth.set(s.contract, { authorization: `Bearer ${login.token}` });
    if (!login.mustChangePassword) continue;
    const fresh = `Fixture-${s.contract.slice(-4)}-Pass`;
    await call('POST', '/api/auth/password', auth.get(s.contract)!, {
      currentPassword: s.password,
      newPassword: fresh,
    });
    s.password = fresh;
    const again = await call<Of<typeof loginResponse>>('POST', '/api/auth/login', null, {
      contract: s.contract,
      password: fresh,
    });
    auth.set(s.contract, { authorization: `Bearer ${again.token}` });
  }
  const who = (note: string) => {
    const s = subscribers.find((x) => x.note.startsWith(note));
    if (!s) throw new Error(`no demo subscriber "${note}"`);
    return { ...s, auth: auth.get(s.contract)! };
  };
  const ivanov = who('active, prepaid');
  const petrov = who('blocked for debt');
  const kuznetsova = who('low balance');
  const smirnov = who('active, Yekaterinburg');
  const accountId = async (number: string) =>
    (await queryRows<{ id: number }>(db, sql`select id from accounts where number = ${number}`))[0]!.id;

  log('RADIUS: Access-Requests, post-auth, accounting Start/Interim/Stop');
  const radiusApi = app.deps.network.api()!;
  const rlm = async (path: string, attrs: Record<string, string | number>, query = '') => {
    const res = await radiusRequest(radiusApi, {
      method: 'POST',
      url: `/api/radius/${path}?nas=${o.nas.address}${query}`,
      headers: radiusAuth(o.radiusApiKey),
      payload: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { type: 'string', value: [v] }])),
    });
    if (res.statusCode >= 500) throw new Error(`radius ${path}: ${res.statusCode} ${res.body}`);
    return res;
  };
  let sessionNo = 0x5a000000;
  const session = async (s: FixtureSubscriber, opts: { stop: boolean }) => {
    const login = s.pppoe!.login;
    const res = await rlm('authorize', { 'User-Name': login, 'User-Password': s.pppoe!.password });
    if (res.statusCode !== 200) throw new Error(`authorize ${login}: ${res.statusCode} ${res.body}`);
    await rlm(
      'post-auth',
      { 'User-Name': login, 'Calling-Station-Id': '02-00-5e-00-53-01' },
      '&result=Accept&auth=PAP',
    );
    const klass = String(restValues(res.json(), 'reply:Class')![0]);
    const id = (++sessionNo).toString(16);
    const acct = (status: string, extra: Record<string, string | number> = {}) =>
      rlm('accounting', {
        'Acct-Status-Type': status,
        'Acct-Session-Id': id,
        'User-Name': login,
        'Framed-IP-Address': `100.64.200.${sessionNo % 250}`,
        'Framed-Protocol': 'PPP',
        Class: klass,
        ...extra,
      });
    await acct('Start');
    await acct('Interim-Update', {
      'Acct-Session-Time': 300,
      'Acct-Input-Octets': 120_000,
      'Acct-Output-Octets': 3_400_000,
    });
    if (opts.stop)
      await acct('Stop', {
        'Acct-Session-Time': 900,
        'Acct-Input-Octets': 560_000,
        'Acct-Output-Octets': 12_000_000,
        'Acct-Terminate-Cause': 'User-Request',
      });
    return id;
  };
  await session(ivanov, { stop: true });
  await session(smirnov, { stop: true });
  // Left open: the payment and the static IP below act on these sessions (CoA, Disconnect).
  const open = [await session(petrov, { stop: false }), await session(kuznetsova, { stop: false })];
  await rlm('authorize', { 'User-Name': ivanov.pppoe!.login, 'User-Password': 'wrong-password' });
  await rlm('authorize', { 'User-Name': 'nobody-at-all', 'User-Password': 'x' });
  // Accounting is written in batches: wait until the open sessions are rows (CoA is sent for rows).
  await until('the open sessions are written', async () => {
    const [n] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from radius_sessions
          where acct_session_id in (${sql.join(
            open.map((x) => sql`${x}`),
            sql`, `,
          )}) and stopped_at is null`,
    );
    return n!.n === open.length;
  });

  log('card payments: cabinet (3 months, card saved, autopay), public top-up by account number');
  const top = await call<Of<typeof topUpResponse>>('POST', '/api/me/payments', ivanov.auth, {
    months: 3,
    saveCard: true,
  });
  const paid = await payByCard(app, top.confirmationUrl);
  if (paid.statusCode !== 303) throw new Error(`card page: ${paid.statusCode} ${paid.body}`);
  const pub = await call<Of<typeof publicTopUpResponse>>('POST', '/api/public/payments', null, {
    account: petrov.account,
    amount: '300.00',
  });
  await payByCard(app, pub.confirmationUrl);
  await drain();
  const { cards } = await call<Of<typeof cardsResponse>>('GET', '/api/me/cards', ivanov.auth);
  if (cards.length !== 1) throw new Error('the card was not saved');
  await call('PUT', '/api/me/autopay', ivanov.auth, {
    methodId: cards[0]!.id,
    mode: 'threshold',
    threshold: '100',
    amount: '500',
    monthlyLimit: '2000',
  });

  log('payment agent over OSMP: check, pay, a repeated pay; the registry reconciled');
  const txnDate = `${today.replaceAll('-', '')}101500`;
  const pay = { command: 'pay', txn_id: '900001', account: petrov.account, sum: '1500.00', txn_date: txnDate };
  for (const q of [
    { command: 'check', txn_id: '900001', account: petrov.account, sum: '0' },
    { command: 'check', txn_id: '900001', account: petrov.account, sum: '1500.00' },
    pay,
    pay,
    { ...pay, txn_id: '900002', account: smirnov.account, sum: '700.00' },
  ]) {
    const res = await app.inject({ url: `/api/agents/kiosk/osmp?${new URLSearchParams(q)}`, headers: agentAuth });
    if (!res.body.includes('<result>0</result>')) throw new Error(`OSMP ${q.command}: ${res.body}`);
  }
  await call('POST', '/api/staff/agents/kiosk/reconciliations', finance, {
    day: today,
    registry: `txn_id;account;sum;txn_date\r\n900001;${petrov.account};1500.00;${txnDate}\r\n`,
  });

  log('office payments, a promised payment, a tariff change, add-ons, a promotion');
  await officePayment(await accountId(kuznetsova.account), 40_000, 'cash', 'fixture-cash-0001', 'касса 1');
  await officePayment(await accountId(smirnov.account), 150_000, 'bank_transfer', 'fixture-bank-0001', 'п/п 17');
  await call('POST', '/api/me/promised-payment', kuznetsova.auth, {});
  await call('POST', '/api/me/addons', kuznetsova.auth, { serviceId: serviceId('msk', 'static-ip') });
  await call('POST', '/api/me/addons', kuznetsova.auth, { serviceId: serviceId('msk', 'tv-basic') });
  const { plans } = await call<Of<typeof tariffOptionsResponse>>('GET', '/api/me/tariffs', ivanov.auth);
  await call('POST', '/api/me/tariff-change', ivanov.auth, { tariffId: plans.find((p) => p.nameEn === 'Gigabit')!.id });
  await call('POST', `/api/me/promotions/${promo.id}/join`, ivanov.auth);

  log('a voluntary suspension applied for and approved, a mobile-internet request, a termination visit');
  const from = addDays(todayIn('Asia/Yekaterinburg'), 3);
  const suspension = await call<Of<typeof applyResponse>>('POST', '/api/me/suspensions', smirnov.auth, {
    startsOn: from,
    endsOn: addDays(from, 13),
    comment: 'Уезжаю в отпуск',
  });
  await call('POST', `/api/staff/suspensions/${suspension.id}/approve`, operator);
  const mobile = await call<Of<typeof pageResponse>>('GET', '/api/me/mobile', ivanov.auth);
  const request = await call<Of<typeof requestResponse>>('POST', '/api/me/mobile/requests', ivanov.auth, {
    serviceId: mobile.packages[0]?.id ?? null,
    phone: '+7 911 123-45-67',
    convenientTime: 'будни после 18:00',
  });
  await call('POST', `/api/staff/mobile-requests/${request.id}`, operator, { status: 'in_progress', note: 'Вечером' });
  const visit = await call<Of<typeof infoResponse>>('GET', '/api/me/termination', petrov.auth);
  await call('POST', '/api/me/termination/visit', petrov.auth, {
    officeId: desk.id,
    date: visit.firstDay,
    time: '11:30',
    phone: '+7 911 234-56-78',
  });

  log('support: tickets with images, answers with an image, a staff note');
  const image = async (rgb: [number, number, number], format: 'png' | 'jpeg') => {
    const [r, g, b] = rgb;
    const img = sharp({ create: { width: 48, height: 32, channels: 3, background: { r, g, b } } });
    return (format === 'png' ? img.png() : img.jpeg()).toBuffer();
  };
  const upload = async (url: string, by: Auth, name: string, data: Buffer) => {
    const m = multipartFile(name, data, name.endsWith('.png') ? 'image/png' : 'image/jpeg');
    const res = await app.inject({ method: 'POST', url, headers: { ...by, ...m.headers }, payload: m.payload });
    if (res.statusCode >= 400) throw new Error(`upload ${name}: ${res.statusCode} ${res.body}`);
    return res.json<Of<typeof attachment>>().id;
  };
  const mine = '/api/me/support/attachments';
  const { categories } = await call<Of<typeof categoriesResponse>>('GET', '/api/me/support/categories', smirnov.auth);
  const topic = (code: string) => categories.find((c) => c.code === code)!.id;
  const ticket = (by: Auth, body: object) => call<Of<typeof myTicket>>('POST', '/api/me/support/tickets', by, body);
  const t1 = await ticket(smirnov.auth, {
    categoryId: topic('no_internet'),
    subject: 'Мигает лампочка PON',
    text: 'С утра нет интернета, на роутере мигает красным. Фото прилагаю.',
    attachmentIds: [
      await upload(mine, smirnov.auth, 'роутер.png', await image([20, 120, 200], 'png')),
      await upload(mine, smirnov.auth, 'IMG_0042.jpg', await image([200, 40, 40], 'jpeg')),
    ],
  });
  const scheme = await upload(
    '/api/staff/support/attachments',
    support,
    'схема.jpg',
    await image([240, 240, 240], 'jpeg'),
  );
  const answer = (id: number, body: object) => call('POST', `/api/staff/support/tickets/${id}/messages`, support, body);
  await answer(t1.id, {
    text: 'Проверили линию. Переподключите кабель, как на схеме.',
    attachmentIds: [scheme],
    status: 'waiting',
  });
  await answer(t1.id, { text: 'Внутреннее: на узле 15-3 были работы утром.', internal: true });
  await call('POST', `/api/me/support/tickets/${t1.id}/messages`, smirnov.auth, { text: 'Заработало, спасибо!' });
  const t2 = await ticket(kuznetsova.auth, {
    categoryId: topic('payments'),
    subject: 'Не вижу платёж',
    text: 'Оплатила в офисе, где деньги?',
    attachmentIds: [await upload(mine, kuznetsova.auth, 'чек.jpg', await image([250, 250, 200], 'jpeg'))],
  });
  await answer(t2.id, { text: 'Платёж зачислен, баланс обновлён.', status: 'closed' });

  log('the daily billing run to today (admin, through the API); a contract terminated after it');
  await call('POST', '/api/staff/billing/run', admin, {});
  await drain();
  await call('POST', `/api/staff/accounts/${leaving.account.id}/termination`, operator, { refund: 'cash' });
  // CoA / Disconnect for the open sessions go out as the events are notified (the payment, the static IP).
  await until('the fake NAS got the CoA and the Disconnect', async () => o.nas.fake.received.length >= 2);
  await drain();
  return { subscribers, auth, totpSecret: totp.secret, terminated: leaving.network };
}

async function until(what: string, done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
