import { sql } from 'drizzle-orm';

import { queryRows } from '../db/client.js';
import { runBilling } from '../modules/billing/run-billing.js';
import { CONSENT_VERSION } from '../modules/privacy/consent-text.js';
import { multipartFile, tinyPdf } from '../modules/support/support-test-helpers.js';
import type { TestContext } from './app.js';
import { buildRegion, buildService, buildStaff, buildTariff } from './factories.js';
import { buildNas } from './network-factories.js';
import { signedInSubscriber } from './sign-in.js';

/**
 * Two regions for the staff sweeps (region-scope and role): A with a subscriber and nothing else, B
 * with a subscriber who has one of everything staff can reach — a ticket with a file, a payment and its
 * receipt, a pending suspension, a booked termination visit, a mobile request, an online session on
 * B's NAS, B's promotion and office, a contract signed today, an outage and a bulk message. `markers` are strings only B's data
 * carries: a staff answer for A's region must contain none of them.
 */
export async function buildTwoRegions(t: TestContext) {
  const db = t.database.db;
  const a = await buildRegion(db, { nameRu: 'Альфаград', nameEn: 'Alphagrad' });
  const b = await buildRegion(db, { nameRu: 'Бетаград', nameEn: 'Betagrad' });
  const tariffA = await buildTariff(db, { regionId: a.id, nameRu: 'Альфа 100' });
  const tariffB = await buildTariff(db, { regionId: b.id, nameRu: 'Бета 100', nameEn: 'Beta 100' });
  const serviceB = await buildService(db, { regionId: b.id, kind: 'tv', nameRu: 'Бета ТВ', nameEn: 'Beta TV' });
  const mobileB = await buildService(db, { regionId: b.id, kind: 'mobile', nameRu: 'Бета мобильный' });
  const subA = await signedInSubscriber(t.app, db, { regionId: a.id, tariffId: tariffA.id, balance: 10_000 });
  const subB = await signedInSubscriber(t.app, db, {
    regionId: b.id,
    tariffId: tariffB.id,
    balance: 50_000,
    fullName: 'Бетова Вера Региновна',
    phone: '79990001122',
  });
  const admin = await buildStaff(db, { role: 'admin' });
  const adminCall = async (method: 'POST' | 'PUT', url: string, payload: object) => {
    const res = await t.app.inject({ method, url, headers: admin.auth, payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const asB = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url, headers: subB.auth, payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };

  // Support: a ticket with a PDF attached.
  const categoryId = (await asB('GET', '/api/me/support/categories')).categories[0].id as number;
  const file = multipartFile('бета-счёт.pdf', tinyPdf(), 'application/pdf');
  const uploaded = await t.app.inject({
    method: 'POST',
    url: '/api/me/support/attachments',
    headers: { ...subB.auth, ...file.headers },
    payload: file.payload,
  });
  const attachmentId = uploaded.json().id as number;
  const ticket = await asB('POST', '/api/me/support/tickets', {
    categoryId,
    subject: 'Бета: нет интернета',
    text: 'Бета-текст обращения',
    attachmentIds: [attachmentId],
  });

  // Money: an office payment and a receipt for it.
  const payment = await adminCall('POST', `/api/staff/accounts/${subB.account.id}/payments`, {
    amount: 12_345,
    method: 'cash',
    idempotencyKey: `two-regions-${subB.account.id}`,
  });
  const [receipt] = await queryRows<{ id: number }>(
    db,
    sql`insert into receipts (payment_id, region_id, total, status, last_error)
        values (${payment.paymentId}, ${b.id}, 12345, 'failed', 'ATOL refused') returning id`,
  );

  await adminCall('PUT', `/api/staff/regions/${b.id}/receipt-settings`, {
    enabled: false,
    groupCode: 'group_1',
    inn: '7700000000',
    paymentAddress: 'https://abonent.example',
    sno: 'usn_income',
    companyEmail: 'kassa@example.net',
  });

  // Service queues: a pending suspension, a booked visit, an open mobile request.
  const [suspension] = await queryRows<{ id: number }>(
    db,
    sql`insert into suspensions (account_id, starts_on, ends_on, status, created_by)
        values (${subB.account.id}, current_date + 10, current_date + 20, 'pending', 'subscriber') returning id`,
  );
  const office = await adminCall('POST', '/api/staff/offices', {
    regionId: b.id,
    nameRu: 'Бета-офис',
    nameEn: 'Beta office',
    address: 'Бетаград, ул. Бетонная, 1',
  });
  const [visit] = await queryRows<{ id: number }>(
    db,
    sql`insert into termination_visits (account_id, office_id, visit_on, visit_time, phone)
        values (${subB.account.id}, ${office.id}, current_date + 3, '11:00', '79990001122') returning id`,
  );
  const mobile = await asB('POST', '/api/me/mobile/requests', {
    serviceId: mobileB.id,
    phone: '79990001122',
    convenientTime: 'Бета: после шести',
  });

  // Network: B's NAS and an online session of B's subscriber on it.
  const nas = await buildNas(db, { regionId: b.id, appSecret: t.config.secret });
  await db.execute(sql`update nas set name = 'Бета-BRAS' where id = ${nas.id}`);
  const [session] = await queryRows<{ id: number }>(
    db,
    sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, framed_ip, started_at, updated_at)
        values (${nas.address}::inet, 'beta-session', 'beta-login', ${subB.account.id}, '100.64.9.9'::inet,
                now() - interval '1 minute', now()) returning id`,
  );
  await db.execute(
    sql`insert into ipv6_pools (region_id, kind, prefix, assign_length) values (${b.id}, 'framed', '2001:db8:b::/48', 64)`,
  );
  // A Disconnect the NAS refused, left to staff.
  const [escalation] = await queryRows<{ id: number }>(
    db,
    sql`with r as (
          insert into coa_requests (account_id, session_id, nas_id, kind, reason, status, error)
          values (${subB.account.id}, ${session!.id}, ${nas.id}, 'disconnect', 'blocked', 'nak', 'Resources-Unavailable')
          returning id)
        insert into coa_escalations (coa_request_id, account_id, session_id, nas_id, kind, error)
        select r.id, ${subB.account.id}, ${session!.id}, ${nas.id}, 'nak', 'Resources-Unavailable' from r
        returning id`,
  );

  // Catalogue of B: a promotion; a contract signed today (its PDF is kept for 24 hours).
  const promotion = await adminCall('POST', '/api/staff/promotions', {
    regionId: b.id,
    titleRu: 'Бета-акция',
    titleEn: 'Beta offer',
    startsOn: '2020-01-01',
    effect: 'bonus',
    amount: 10_000,
  });
  const signer = await buildStaff(db, { role: 'operator', regions: [b.id] });
  const contractBody = {
    regionId: b.id,
    tariffId: tariffB.id,
    serviceIds: [],
    fullName: 'Бетов Пётр Договорович',
    address: 'Бетаград, ул. Бетонная, 2',
    phone: '+7 999 000 33 44',
    email: 'betov@example.ru',
    passport: '4010 654321',
    consentVersion: CONSENT_VERSION,
  };
  const signed = await t.app.inject({
    method: 'POST',
    url: '/api/staff/contracts',
    headers: signer.auth,
    payload: contractBody,
  });
  if (signed.statusCode !== 201) throw new Error(`sign: ${signed.body}`);
  await runBilling(db);
  // A Telegram chat bound to B's account (the subscriber card lists and unlinks it).
  const [chat] = await queryRows<{ id: number }>(
    db,
    sql`insert into messenger_chats (messenger, chat_id, title) values ('telegram', '424242', '@beta_chat') returning id`,
  );
  const [messengerLink] = await queryRows<{ id: number }>(
    db,
    sql`insert into messenger_links (chat_row_id, account_id, subscriber_id)
        values (${chat!.id}, ${subB.account.id}, ${subB.subscriber.id}) returning id`,
  );

  // Office work in B, by B's operator: an outage on the region and a bulk message to its subscribers.
  const asSigner = async (method: 'POST', url: string, payload: object) => {
    const res = await t.app.inject({ method, url, headers: signer.auth, payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const outageBody = {
    area: { regionId: b.id, scope: 'region' },
    title: 'Бета: авария на магистрали',
    startsAt: new Date(Date.now() - 3_600_000).toISOString(),
    expectedEndAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
  const outage = await asSigner('POST', '/api/staff/outages', outageBody);
  const bulkBody = {
    filter: { statuses: ['active'], regionIds: [b.id] },
    action: { kind: 'message', channels: ['inbox'], subjectRu: 'Бета: работы', textRu: 'Бета-текст рассылки' },
  };
  const bulkPreview = await asSigner('POST', '/api/staff/bulk/preview', bulkBody);
  const bulk = await asSigner('POST', '/api/staff/bulk', {
    ...bulkBody,
    key: crypto.randomUUID(),
    expect: { accounts: bulkPreview.accounts, amount: bulkPreview.amount },
  });

  return {
    a,
    b,
    tariffB,
    serviceB,
    subA,
    subB,
    admin,
    signer,
    /** A valid contract of B's region (the sweeps send it to the signing route). */
    contractBody,
    /** Valid bodies of B's region for routes whose sampled body the schema would refuse, by path. */
    bodies: {
      '/api/staff/contracts': contractBody,
      '/api/staff/outages': outageBody,
      '/api/staff/outages/preview': outageBody.area,
    } as Record<string, object>,
    ids: {
      account: subB.account.id,
      contract: signed.json().contract.id as number,
      payment: payment.paymentId as number,
      receipt: receipt!.id,
      ticket: ticket.id as number,
      attachment: attachmentId,
      suspension: suspension!.id,
      visit: visit!.id,
      mobileRequest: mobile.id as number,
      session: session!.id,
      escalation: escalation!.id,
      office: office.id as number,
      promotion: promotion.id as number,
      nas: nas.id,
      outage: outage.id as number,
      bulk: bulk.id as number,
      messengerLink: messengerLink!.id,
    },
    /** Strings only B's data carries. */
    markers: [
      subB.account.number,
      subB.contract.number,
      'Бетова',
      '79990001122',
      'Бета',
      'Beta',
      signed.json().contract.number as string,
      signed.json().account.number as string,
    ],
  };
}

export type TwoRegions = Awaited<ReturnType<typeof buildTwoRegions>>;
