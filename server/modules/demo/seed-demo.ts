import { sql } from 'drizzle-orm';

import { addDays, todayIn } from '../../../common/dates.js';
import { rublesToKopecks } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';
import { accounts, contracts, regions, services, subscribers, subscriptions, tariffs } from '../../db/schema/index.js';
import { hashPassword } from '../auth/passwords.js';
import { runBilling } from '../billing/run-billing.js';
import { nextNumbers } from '../contracts/contract-numbers.js';
import { addManualPayment } from '../ledger/add-manual-payment.js';
import { setServiceStatus } from '../ledger/set-service-status.js';
import { seedDemoNetwork } from '../network/seed-demo-network.js';
import { createStaffUser } from '../staff/staff-users.js';
import { seedSupportDemo } from '../support/seed-support-demo.js';
import { DEMO_HOTLINE, DEMO_REGIONS, DEMO_SERVICES, DEMO_TARIFFS } from './demo-catalog.js';

export interface DemoLogins {
  staff: { email: string; password: string; role: string }[];
  subscribers: { contract: string; account: string; phone: string; password: string; note: string; pppoe?: string }[];
}

/** The demo passwords are fixed, so the logins can be printed again at every start (findDemoLogins). */
const DEMO_STAFF_PASSWORD = 'Demo-Admin-2026';
const DEMO_PASSWORD = 'demo12345';
const FRESH_PASSWORD = 'Start-7342';
const DEMO_STAFF_DOMAIN = '@abonent.example';

const HISTORY_DAYS = 92;

interface DemoPerson {
  name: string;
  phone: string;
  email: string | null;
  region: (typeof DEMO_REGIONS)[number]['code'];
  tariff: (typeof DEMO_TARIFFS)[number]['code'];
  services: string[];
  /** Payments: [days after start, rubles]. */
  payments: [number, number][];
  note: string;
  status?: 'suspended';
  mustChange?: boolean;
}

const PEOPLE: DemoPerson[] = [
  {
    name: 'Иванов Иван Петрович',
    phone: '79111234567',
    email: 'ivanov@example.ru',
    region: 'spb',
    tariff: 'home300',
    services: ['tv-basic'],
    payments: [
      [0, 2850],
      [90, 950],
    ],
    note: 'active, prepaid 3 months with bonus',
  },
  {
    name: 'Петров Сергей Николаевич',
    phone: '79112345678',
    email: 'petrov@example.ru',
    region: 'spb',
    tariff: 'home100',
    services: [],
    payments: [
      [0, 550],
      [31, 300],
    ],
    note: 'blocked for debt',
  },
  {
    name: 'Сидорова Анна Викторовна',
    phone: '79213456789',
    email: null,
    region: 'spb',
    tariff: 'giga',
    services: ['static-ip'],
    payments: [
      [0, 1140],
      [30, 1140],
      [60, 1140],
    ],
    note: 'voluntarily suspended',
    status: 'suspended',
  },
  {
    name: 'Кузнецова Мария Андреевна',
    phone: '79314567890',
    email: 'kuznetsova@example.ru',
    region: 'msk',
    tariff: 'home100',
    services: [],
    payments: [
      [0, 600],
      [30, 600],
      [60, 600],
      [89, 100],
    ],
    note: 'low balance: warned',
  },
  {
    name: 'Смирнов Алексей Игоревич',
    phone: '79025678901',
    email: 'smirnov@example.ru',
    region: 'ekb',
    tariff: 'home300',
    services: ['tv-max', 'mobile-10'],
    payments: [
      [0, 1500],
      [30, 1500],
      [60, 1500],
    ],
    note: 'active, Yekaterinburg time',
  },
];

/** A contract signed today: the initial password must be changed at first sign-in. */
const FRESH: DemoPerson = {
  name: 'Новиков Дмитрий Олегович',
  phone: '79817654321',
  email: 'novikov@example.ru',
  region: 'spb',
  tariff: 'home100',
  services: [],
  payments: [],
  note: 'new contract: must change the initial password',
  mustChange: true,
};

/**
 * The demo logins of a database that holds the demo data (empty lists otherwise): the staff of the
 * demo domain and the demo subscribers, found by their phones, with the fixed demo passwords (a
 * password someone changed since no longer works, of course).
 */
export async function findDemoLogins(db: Db): Promise<DemoLogins> {
  const staff = await queryRows<{ email: string; role: string }>(
    db,
    sql`select email, role from staff_users where email like ${`%${DEMO_STAFF_DOMAIN}`} and active order by id`,
  );
  const people = [...PEOPLE, FRESH];
  const rows = await queryRows<{ phone: string; contract: string; account: string }>(
    db,
    sql`select s.phone, c.number as contract, a.number as account from subscribers s
        join contracts c on c.subscriber_id = s.id join accounts a on a.contract_id = c.id
        where s.phone in (${sql.join(
          people.map((p) => sql`${p.phone}`),
          sql`, `,
        )}) order by c.id`,
  );
  return {
    staff: staff.map((s) => ({ ...s, password: DEMO_STAFF_PASSWORD })),
    subscribers: rows.map((r) => {
      const p = people.find((x) => x.phone === r.phone)!;
      return { ...r, password: p === FRESH ? FRESH_PASSWORD : DEMO_PASSWORD, note: p.note };
    }),
  };
}

/**
 * Loads the demo ISP into an empty database: six regions with tariffs and services, one staff user
 * per role, and five subscribers whose three months of history are made by the real code paths
 * (daily billing run and payments), so every balance equals its ledger. One more subscriber has just
 * signed and must change the initial password.
 */
export async function seedDemo(
  db: Db,
  opts: { log?: (s: string) => void; now?: Date; appSecret?: string } = {},
): Promise<DemoLogins> {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? new Date();
  log('Loading demo data (six regions, tariffs, staff, subscribers with three months of history)…');
  const today = todayIn('Europe/Moscow', now);
  const start = addDays(today, -HISTORY_DAYS);

  const regionIds = new Map<string, number>();
  const tariffIds = new Map<string, { id: number; fee: number }>();
  const serviceIds = new Map<string, { id: number; fee: number }>();
  for (const r of DEMO_REGIONS) {
    const [row] = await db
      .insert(regions)
      .values({
        code: r.code,
        nameRu: r.nameRu,
        nameEn: r.nameEn,
        timeZone: r.timeZone,
        supportPhone: DEMO_HOTLINE,
        supportEmail: `support-${r.code}@abonent.example`,
        contractPrefix: r.prefix,
      })
      .returning();
    regionIds.set(r.code, row!.id);
    for (const t of DEMO_TARIFFS) {
      const [tr] = await db
        .insert(tariffs)
        .values({
          regionId: row!.id,
          code: t.code,
          nameRu: t.nameRu,
          nameEn: t.nameEn,
          descriptionRu: t.descriptionRu,
          descriptionEn: t.descriptionEn,
          monthlyFee: t.fee + r.price,
          speedDownKbps: t.down,
          speedUpKbps: t.up,
          activeFrom: '2024-01-01',
        })
        .returning();
      tariffIds.set(`${r.code}:${t.code}`, { id: tr!.id, fee: tr!.monthlyFee });
    }
    for (const s of DEMO_SERVICES) {
      const [sr] = await db
        .insert(services)
        .values({
          regionId: row!.id,
          kind: s.kind,
          code: s.code,
          nameRu: s.nameRu,
          nameEn: s.nameEn,
          monthlyFee: s.fee,
        })
        .returning();
      serviceIds.set(`${r.code}:${s.code}`, { id: sr!.id, fee: sr!.monthlyFee });
    }
  }

  const staffPassword = DEMO_STAFF_PASSWORD;
  const staff: DemoLogins['staff'] = [];
  for (const role of ['admin', 'operator', 'support', 'finance'] as const) {
    const email = `${role}${DEMO_STAFF_DOMAIN}`;
    await createStaffUser(db, { email, fullName: `Demo ${role}`, role, password: staffPassword, regions: 'all' });
    staff.push({ email, password: staffPassword, role });
  }

  const demoPassword = DEMO_PASSWORD;
  const demoHash = await hashPassword(demoPassword);
  const logins: DemoLogins['subscribers'] = [];
  const created: { person: DemoPerson; accountNumber: string; accountId: number }[] = [];
  for (const p of PEOPLE) {
    const prefix = DEMO_REGIONS.find((r) => r.code === p.region)!.prefix;
    const { contractNumber, accountNumber, accountId } = await insertSubscriber(db, {
      person: p,
      regionId: regionIds.get(p.region)!,
      prefix,
      signedOn: start,
      passwordHash: demoHash,
      tariff: tariffIds.get(`${p.region}:${p.tariff}`)!,
      services: p.services.map((s) => serviceIds.get(`${p.region}:${s}`)!),
    });
    created.push({ person: p, accountNumber, accountId });
    logins.push({
      contract: contractNumber,
      account: accountNumber,
      phone: p.phone,
      password: demoPassword,
      note: p.note,
    });
  }

  // Three months of real history: payments on their days, the billing run every day.
  for (let offset = 0; offset <= HISTORY_DAYS; offset++) {
    const day = addDays(start, offset);
    for (const c of created) {
      for (const [at, rubles] of c.person.payments) {
        if (at !== offset) continue;
        await addManualPayment(db, {
          accountNumber: c.accountNumber,
          amount: rublesToKopecks(rubles),
          key: `demo-${c.accountNumber}-${at}`,
          provider: 'office_cash',
          method: 'cash',
          source: 'demo',
          effectiveOn: day,
          comment: 'Оплата в офисе',
        });
      }
      if (c.person.status === 'suspended' && offset === HISTORY_DAYS - 10) {
        await setServiceStatus(db, { accountId: c.accountId, change: 'suspend' });
      }
    }
    await runBilling(db, { until: day > todayIn('UTC', now) ? todayIn('UTC', now) : day, now });
  }
  await runBilling(db, { now });

  const fresh = FRESH;
  const initial = FRESH_PASSWORD;
  const n = await insertSubscriber(db, {
    person: fresh,
    regionId: regionIds.get('spb')!,
    prefix: '11',
    signedOn: today,
    passwordHash: await hashPassword(initial),
    tariff: tariffIds.get('spb:home100')!,
    services: [],
  });
  logins.push({
    contract: n.contractNumber,
    account: n.accountNumber,
    phone: fresh.phone,
    password: initial,
    note: fresh.note,
  });
  if (opts.appSecret) {
    // PPPoE access (login = contract number), a demo NAS and a month of sessions (docs/network.md).
    const pppoe = await seedDemoNetwork(db, { appSecret: opts.appSecret, now });
    for (const l of logins) l.pppoe = pppoe.get(l.contract);
  }
  log('Demo data loaded.');
  // Support desk: ready answers and one answered ticket (modules/support).
  await seedSupportDemo(db, {
    accountId: created[0]!.accountId,
    regionId: regionIds.get(created[0]!.person.region)!,
    supportEmail: 'support@abonent.example',
    config: { publicUrl: '' },
  });
  return { staff, subscribers: logins };
}

async function insertSubscriber(
  db: Db,
  o: {
    person: DemoPerson;
    regionId: number;
    prefix: string;
    signedOn: string;
    passwordHash: string;
    tariff: { id: number; fee: number };
    services: { id: number; fee: number }[];
  },
) {
  const { contract: contractNumber, account: accountNumber } = await nextNumbers(db, {
    id: o.regionId,
    contractPrefix: o.prefix,
  });
  const [s] = await db
    .insert(subscribers)
    .values({
      fullName: o.person.name,
      address: 'ул. Демонстрационная, д. 1',
      phone: o.person.phone,
      email: o.person.email,
    })
    .returning();
  const [c] = await db
    .insert(contracts)
    .values({
      number: contractNumber,
      subscriberId: s!.id,
      regionId: o.regionId,
      signedOn: o.signedOn,
      passwordHash: o.passwordHash,
      mustChangePassword: o.person.mustChange ? 1 : 0,
    })
    .returning();
  const [a] = await db
    .insert(accounts)
    .values({ number: accountNumber, contractId: c!.id, regionId: o.regionId })
    .returning();
  await db.insert(subscriptions).values([
    {
      accountId: a!.id,
      kind: 'tariff' as const,
      tariffId: o.tariff.id,
      monthlyFee: o.tariff.fee,
      startsOn: o.signedOn,
    },
    ...o.services.map((v) => ({
      accountId: a!.id,
      kind: 'service' as const,
      serviceId: v.id,
      monthlyFee: v.fee,
      startsOn: o.signedOn,
    })),
  ]);
  return { contractNumber, accountNumber, accountId: a!.id };
}

export function printDemoLogins(d: DemoLogins, log: (s: string) => void): void {
  if (d.staff.length === 0 && d.subscribers.length === 0) return;
  log('\nDemo logins');
  log('  Back office (/staff/login): e-mail / password');
  for (const s of d.staff) log(`    ${s.role.padEnd(9)} ${s.email} / ${s.password}`);
  log('  Cabinet (/login): contract / password; the phone and account number are for "Forgot password"');
  for (const s of d.subscribers)
    log(
      `    ${s.contract} / ${s.password.padEnd(10)} phone +${s.phone}, account ${s.account}: ${s.note}` +
        (s.pppoe ? `; PPPoE ${s.contract.toLowerCase()} / ${s.pppoe}` : ''),
    );
}
