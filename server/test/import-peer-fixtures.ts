import type mysql from 'mysql2/promise';

import { rublesToKopecks } from '../../common/money.js';

/**
 * Generated rows for the peers' schemas (server/test/fixtures/import), with what real installs have:
 * cp1251 names (a cp1251 table; cp1251 bytes stored through a latin1 connection), empty phones, the
 * same login twice, negative and fractional balances, closed and frozen accounts, a company account,
 * an address outside every pool — each with what the import must make of it.
 */
export interface PeerExpectation {
  sourceId: string;
  /** Kopecks in Abonent, or null when the row is refused; `reason` then says why. */
  kopecks: number | null;
  reason?: string;
  status?: 'active' | 'blocked' | 'suspended' | 'terminated';
  login?: string;
  password?: string;
  ip?: string;
  name?: string;
}

export interface PeerFixture {
  expected: PeerExpectation[];
  /** Payments the import must bring as history, and refused ones by reason. */
  payments: { imported: number; amount: number; refused: Record<string, number> };
  /** A subscriber with everything (plan, login, password, IP) for the sign-in, billing and RADIUS checks. */
  star: { sourceId: string; login: string; password: string; ip: string; monthlyFee: number };
  nasAddress: string;
  nasSecret: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Ubilling (Stargazer users + Ubilling tables) in database `db`. */
export async function fillUbilling(c: mysql.Connection): Promise<PeerFixture> {
  const expected: PeerExpectation[] = [];
  let paymentsImported = 0;
  let amount = 0;
  await c.query(`
    INSERT INTO tariffs (name, Fee, period) VALUES ('Home-100', 600, 'day'), ('Month-50', 300, 'month'), ('Архив', 100, 'day');
    INSERT INTO speeds (tariff, speeddown, speedup) VALUES ('Home-100', '100000', '50000'), ('Month-50', '50000', '25000');
    INSERT INTO city (id, cityname) VALUES (1, 'Северск'), (2, 'Ромны');
    INSERT INTO street (id, cityid, streetname) VALUES (1, 1, 'Ленина'), (2, 2, 'Шевченко');
    INSERT INTO build (id, streetid, buildnum) VALUES (1, 1, '5'), (2, 2, '12а');
    INSERT INTO networks (id, startip, endip, \`desc\`, nettype) VALUES (1, '10.0.0.1', '10.0.0.254', 'Абоненты', 'dhcpstatic');
    INSERT INTO nas (id, netid, nasip, nasname, nastype) VALUES (1, 1, '127.0.0.1', 'BRAS Северск', 'mikrotik');
    INSERT INTO tagtypes (id, tagname, tagcolor, tagsize) VALUES (1, 'IPTV', '#ff0000', 1);
    INSERT INTO vservices (tagid, price, cashtype, priority) VALUES (1, 150, 'stargazer', 1);
    INSERT INTO cashtype (id, cashtype) VALUES (2, 'Банк');
  `);
  let apt = 0;
  const user = async (u: {
    login: string;
    cash: string;
    kopecks: number | null;
    reason?: string;
    status?: PeerExpectation['status'];
    name?: string;
    ip?: string;
    mac?: string;
    phone?: string;
    tariff?: string;
    down?: number;
    passive?: number;
    credit?: string;
    creditExpire?: number;
    contract?: string;
    city?: 1 | 2;
    tags?: number[];
    payments?: number;
  }) => {
    const password = `Ub-${u.login}-pw`;
    await c.query(
      `INSERT INTO users (login, Password, Passive, Down, Tariff, Note, RealName, Credit, CreditExpire, IP, Cash,
                          Userdata0, Userdata1, Userdata2, Userdata3, Userdata4, Userdata5, Userdata6, Userdata7,
                          Userdata8, Userdata9, NAS, Phone)
       VALUES (?, ?, ?, ?, ?, '', '', ?, ?, ?, ?, '', '', '', '', '', '', '', '', '', '', '', '')`,
      [
        u.login,
        password,
        u.passive ?? 0,
        u.down ?? 0,
        u.tariff ?? 'Home-100',
        u.credit ?? '0',
        u.creditExpire ?? 0,
        u.ip ?? '',
        u.cash,
      ],
    );
    if (u.name !== undefined) await c.query('INSERT INTO realname (login, realname) VALUES (?, ?)', [u.login, u.name]);
    if (u.phone !== '')
      await c.query('INSERT INTO phones (login, phone, mobile) VALUES (?, ?, ?)', [
        u.login,
        '',
        u.phone ?? `+38050${pad(apt + 1, 7)}`,
      ]);
    if (u.ip && u.mac) await c.query('INSERT INTO nethosts (netid, ip, mac) VALUES (1, ?, ?)', [u.ip, u.mac]);
    await c.query('INSERT INTO contracts (login, contract) VALUES (?, ?)', [u.login, u.contract ?? `C-${u.login}`]);
    apt++;
    await c.query('INSERT INTO apt (id, buildid, apt) VALUES (?, ?, ?)', [apt, u.city ?? 1, String(apt)]);
    await c.query('INSERT INTO address (login, aptid) VALUES (?, ?)', [u.login, apt]);
    await c.query('INSERT INTO userreg (date, admin, login) VALUES (?, ?, ?)', [
      '2019-04-01 12:00:00',
      'admin',
      u.login,
    ]);
    for (const t of u.tags ?? []) await c.query('INSERT INTO tags (tagid, login) VALUES (?, ?)', [t, u.login]);
    for (let m = 1; m <= (u.payments ?? 12); m++) {
      await c.query(
        'INSERT INTO payments (login, date, admin, balance, summ, cashtypeid, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [u.login, `2026-${pad(m)}-05 10:${pad(m)}:00`, 'admin', '0', '600.00', 1, 'абонплата'],
      );
      if (u.kopecks !== null) {
        paymentsImported++;
        amount += 60_000;
      }
    }
    expected.push({
      sourceId: u.login,
      kopecks: u.kopecks,
      reason: u.reason,
      status: u.status,
      login: u.kopecks !== null && u.status !== 'terminated' ? u.login.toLowerCase() : undefined,
      password,
      ip: u.ip,
      name: u.name,
    });
  };

  await user({
    login: 'ivanov',
    cash: '1500.50',
    kopecks: 150_050,
    status: 'active',
    name: 'Иванов Иван',
    ip: '10.0.0.10',
    mac: '00:11:22:33:44:10',
    tags: [1],
  });
  await user({
    login: 'debtor',
    cash: '-125.40',
    kopecks: -12_540,
    status: 'blocked',
    name: 'Должников Д.',
    ip: '10.0.0.11',
  });
  await user({ login: 'nophone', cash: '0', kopecks: 0, status: 'active', name: 'Безтелефонный', phone: '' });
  await user({
    login: 'closed1',
    cash: '42',
    kopecks: 4_200,
    status: 'terminated',
    name: 'Ушедший',
    down: 1,
    ip: '10.0.0.12',
  });
  await user({ login: 'frozen1', cash: '300', kopecks: 30_000, status: 'suspended', name: 'Замороженный', passive: 1 });
  await user({
    login: 'roundme',
    cash: '10.005',
    kopecks: 1_001,
    status: 'active',
    name: 'Дробный',
    city: 2,
    tariff: 'Month-50',
  });
  await user({ login: 'credit1', cash: '-300', kopecks: -30_000, status: 'active', name: 'Кредитный', credit: '500' });
  await user({
    login: 'credtemp',
    cash: '-50',
    kopecks: -5_000,
    status: 'blocked',
    name: 'Временный Кредит',
    credit: '200',
    creditExpire: 2_000_000_000,
  });
  await user({
    login: 'outside',
    cash: '5',
    kopecks: null,
    reason: 'ip_outside_pools',
    name: 'Вне сети',
    ip: '192.168.5.5',
  });
  await user({ login: 'dupip1', cash: '1', kopecks: null, reason: 'ip_duplicate', name: 'Один', ip: '10.0.0.50' });
  await user({ login: 'dupip2', cash: '2', kopecks: null, reason: 'ip_duplicate', name: 'Два', ip: '10.0.0.50' });
  await user({
    login: 'dupc1',
    cash: '3',
    kopecks: null,
    reason: 'contract_duplicate',
    name: 'Договор Раз',
    contract: '777',
  });
  await user({
    login: 'dupc2',
    cash: '4',
    kopecks: null,
    reason: 'contract_duplicate',
    name: 'Договор Два',
    contract: '777',
  });
  await user({ login: 'noplan', cash: '7', kopecks: null, reason: 'no_plan', name: 'Без тарифа', tariff: '' });
  await user({
    login: 'badmac',
    cash: '8',
    kopecks: null,
    reason: 'bad_mac',
    name: 'Кривой MAC',
    ip: '10.0.0.13',
    mac: '00:11:22:zz:44:55',
  });
  for (let i = 1; i <= 12; i++) {
    const cash = `${(i * 37) % 900}.${pad((i * 13) % 100)}`;
    await user({
      login: `user${pad(i)}`,
      cash: i % 5 === 0 ? `-${cash}` : cash,
      kopecks: (i % 5 === 0 ? -1 : 1) * (rublesToKopecks((i * 37) % 900) + ((i * 13) % 100)),
      status: i % 5 === 0 ? 'blocked' : 'active',
      name: `Абонент ${i}`,
      ip: `10.0.0.${100 + i}`,
      mac: `02:00:00:00:00:${pad(i)}`,
    });
  }
  // cp1251 bytes that went into a utf8 table through a latin1 connection ("Петров Пётр" reads "Ïåòðîâ Ï¸òð").
  await c.query(
    "INSERT INTO users (login, Password, Tariff, Note, RealName, IP, Cash, Userdata0, Userdata1, Userdata2, Userdata3, Userdata4, Userdata5, Userdata6, Userdata7, Userdata8, Userdata9, NAS) VALUES (?, ?, ?, '', '', '', ?, '', '', '', '', '', '', '', '', '', '', '')",
    ['petrov', 'Ub-petrov-pw', 'Home-100', '75.25'],
  );
  await c.query("INSERT INTO realname (login, realname) VALUES ('petrov', _latin1 X'CFE5F2F0EEE220CFB8F2F0')");
  await c.query("INSERT INTO contracts (login, contract) VALUES ('petrov', 'C-petrov')");
  expected.push({
    sourceId: 'petrov',
    kopecks: 7_525,
    status: 'active',
    login: 'petrov',
    password: 'Ub-petrov-pw',
    name: 'Петров Пётр',
  });
  // Broken payments: an amount in a made-up notation, MySQL's zero date, a login nobody has; a correction.
  await c.query(`
    INSERT INTO payments (login, date, admin, balance, summ, cashtypeid, note) VALUES
      ('ivanov', '2026-11-20 09:00:00', 'admin', '0', '1e3', 2, 'кривая сумма'),
      ('ivanov', '0000-00-00 00:00:00', 'admin', '0', '100', 2, 'нулевая дата'),
      ('ghost', '2026-11-21 09:00:00', 'admin', '0', '100', 2, 'чей?');
    INSERT INTO paymentscorr (login, date, admin, balance, summ, cashtypeid, note) VALUES
      ('ivanov', '2026-11-22 09:00:00', 'admin', '0', '-50.00', 1, 'исправление');
  `);
  paymentsImported += 1;
  amount += -5_000;
  return {
    expected,
    payments: { imported: paymentsImported, amount, refused: { bad_amount: 1, bad_date: 1, unknown_subscriber: 1 } },
    star: { sourceId: 'ivanov', login: 'ivanov', password: 'Ub-ivanov-pw', ip: '10.0.0.10', monthlyFee: 60_000 },
    nasAddress: '127.0.0.1',
    nasSecret: 'nas-secret-123',
  };
}

export const ABILLS_KEY = 'test12345678901234567890';

/** ABillS (db/abills.sql + db/Abon.sql); users_pi is a cp1251 table, as on old installs. */
export async function fillAbills(c: mysql.Connection): Promise<PeerFixture> {
  const expected: PeerExpectation[] = [];
  let paymentsImported = 0;
  let amount = 0;
  await c.query(`
    ALTER TABLE users_pi CONVERT TO CHARACTER SET cp1251;
    INSERT INTO \`groups\` (gid, name) VALUES (1, 'Центр'), (2, 'Заречье');
    INSERT INTO companies (id, name, bill_id) VALUES (1, 'ООО Ромашка', 900);
    INSERT INTO tarif_plans (tp_id, id, name, month_fee, day_fee, abon_distribution, module, comments)
      VALUES (1, 10, 'Безлимит 100', 500, 0, 1, 'Internet', ''), (2, 20, 'Эконом', 300, 0, 0, 'Internet', ''),
             (3, 30, 'Суточный', 0, 12.50, 1, 'Internet', '');
    INSERT INTO intervals (id, tp_id, begin, end, day) VALUES (1, 1, '00:00:00', '23:59:59', 0), (2, 2, '00:00:00', '23:59:59', 0);
    INSERT INTO trafic_tarifs (id, tp_id, interval_id, in_speed, out_speed) VALUES (0, 1, 1, 100000, 100000), (0, 2, 2, 20000, 10000);
    INSERT INTO abon_tariffs (id, name, price, period) VALUES (1, 'IPTV Базовый', 150, 1);
    INSERT INTO nas (id, name, ip, nas_type, mng_password, rad_pairs) VALUES (1, 'BRAS Центр', INET_ATON('127.0.0.1'), 'mikrotik', '', '');
    INSERT INTO ippools (id, nas, ip, counts, name, static, comments) VALUES (1, 1, INET_ATON('10.1.0.1'), 254, 'Абоненты', 1, '');
  `);
  let bill = 0;
  const user = async (u: {
    uid: number;
    login: string;
    deposit: string;
    kopecks: number | null;
    reason?: string;
    status?: PeerExpectation['status'];
    fio?: string;
    phone?: string;
    contactPhone?: string;
    tp?: number | null;
    ip?: string;
    cid?: string;
    imLogin?: string;
    imPassword?: string;
    disable?: number;
    imDisable?: number;
    deleted?: number;
    domain?: number;
    company?: number;
    gid?: number;
    abon?: number[];
    extraService?: boolean;
  }) => {
    bill++;
    const password = `Ab-${u.uid}-pw`;
    await c.query(
      `INSERT INTO users (uid, id, password, gid, disable, deleted, domain_id, company_id, bill_id, registration, credit)
       VALUES (?, ?, ENCODE(?, ?), ?, ?, ?, ?, ?, ?, '2020-02-02', 0)`,
      [
        u.uid,
        u.login,
        password,
        ABILLS_KEY,
        u.gid ?? 1,
        u.disable ?? 0,
        u.deleted ?? 0,
        u.domain ?? 0,
        u.company ?? 0,
        bill,
      ],
    );
    await c.query('INSERT INTO bills (id, deposit, uid, registration) VALUES (?, ?, ?, ?)', [
      bill,
      u.deposit,
      u.uid,
      '2020-02-02',
    ]);
    await c.query(
      `INSERT INTO users_pi (uid, fio, phone, email, address_street, address_build, address_flat, comments, contract_id, reg_address, city)
       VALUES (?, ?, ?, ?, 'Мира', '7', ?, '', ?, '', 'Северск')`,
      [u.uid, u.fio ?? '', u.phone ?? `89120000${pad(u.uid, 3)}`, `u${u.uid}@example.ru`, String(u.uid), `A-${u.uid}`],
    );
    if (u.contactPhone)
      await c.query("INSERT INTO users_contacts (uid, type_id, value, comments) VALUES (?, 1, ?, '')", [
        u.uid,
        u.contactPhone,
      ]);
    if (u.tp !== null) {
      const imPassword = u.imPassword ?? (u.imLogin ? '' : password);
      await c.query(
        `INSERT INTO internet_main (uid, tp_id, ip, cid, login, password, disable)
         VALUES (?, ?, ?, ?, ?, ENCODE(?, ?), ?)`,
        [
          u.uid,
          u.tp ?? 1,
          u.ip ? ipNum(u.ip) : 0,
          u.cid ?? '',
          u.imLogin ?? '',
          imPassword,
          ABILLS_KEY,
          u.imDisable ?? 0,
        ],
      );
      if (u.extraService) await c.query("INSERT INTO internet_main (uid, tp_id, password) VALUES (?, 2, '')", [u.uid]);
    }
    for (const a of u.abon ?? []) await c.query('INSERT INTO abon_user_list (uid, tp_id) VALUES (?, ?)', [u.uid, a]);
    for (let m = 1; m <= 12; m++) {
      await c.query(
        'INSERT INTO payments (date, sum, dsc, uid, method, bill_id, inner_describe) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [`2026-${pad(m)}-10 12:00:00`, '500.00', 'оплата', u.uid, m % 2, bill, ''],
      );
      if (u.kopecks !== null) {
        paymentsImported++;
        amount += 50_000;
      }
    }
    expected.push({
      sourceId: String(u.uid),
      kopecks: u.kopecks,
      reason: u.reason,
      status: u.status,
      login: u.kopecks !== null && u.status !== 'terminated' ? (u.imLogin || u.login).toLowerCase() : undefined,
      password,
      ip: u.ip,
      name: u.fio,
    });
  };
  await user({
    uid: 1,
    login: 'abonent1',
    deposit: '700.25',
    kopecks: 70_025,
    status: 'active',
    fio: 'Сергеев Сергей',
    ip: '10.1.0.10',
    cid: '00:aa:bb:cc:dd:01',
    abon: [1],
  });
  await user({
    uid: 2,
    login: 'abonent2',
    deposit: '50',
    kopecks: 5_000,
    status: 'active',
    fio: 'Олегов Олег',
    imLogin: 'pppoe-2',
  });
  await user({
    uid: 3,
    login: 'gone3',
    deposit: '15.50',
    kopecks: 1_550,
    status: 'terminated',
    fio: 'Удалённый',
    deleted: 1,
  });
  await user({
    uid: 4,
    login: 'off4',
    deposit: '0',
    kopecks: 0,
    status: 'terminated',
    fio: 'Отключённый',
    disable: 1,
    ip: '10.1.0.14',
  });
  await user({
    uid: 5,
    login: 'hold5',
    deposit: '250',
    kopecks: 25_000,
    status: 'suspended',
    fio: 'На паузе',
    disable: 3,
  });
  await user({
    uid: 6,
    login: 'firm6',
    deposit: '10000',
    kopecks: null,
    reason: 'company_account',
    fio: 'ООО Ромашка',
    company: 1,
  });
  await user({ uid: 7, login: 'shared', deposit: '1', kopecks: null, reason: 'login_duplicate', fio: 'Тёзка Один' });
  await user({
    uid: 8,
    login: 'shared',
    deposit: '2',
    kopecks: null,
    reason: 'login_duplicate',
    fio: 'Тёзка Два',
    domain: 1,
  });
  await user({
    uid: 9,
    login: 'frac9',
    deposit: '123.456789',
    kopecks: 12_346,
    status: 'active',
    fio: 'Дробный Остаток',
    tp: 2,
  });
  await user({
    uid: 10,
    login: 'debt10',
    deposit: '-80.10',
    kopecks: -8_010,
    status: 'blocked',
    fio: 'Должник',
    gid: 2,
  });
  await user({
    uid: 11,
    login: 'cid11',
    deposit: '11',
    kopecks: 1_100,
    status: 'active',
    fio: 'Порт Вместо MAC',
    cid: 'ANY',
  });
  await user({
    uid: 12,
    login: 'two12',
    deposit: '12',
    kopecks: 1_200,
    status: 'active',
    fio: 'Две Услуги',
    extraService: true,
  });
  await user({
    uid: 13,
    login: 'none13',
    deposit: '13',
    kopecks: null,
    reason: 'no_plan',
    fio: 'Без Интернета',
    tp: null,
  });
  await user({
    uid: 14,
    login: 'cont14',
    deposit: '14',
    kopecks: 1_400,
    status: 'active',
    fio: 'Телефон В Контактах',
    phone: '',
    contactPhone: '+7 (921) 555-44-33',
  });
  await user({
    uid: 15,
    login: 'out15',
    deposit: '15',
    kopecks: null,
    reason: 'ip_outside_pools',
    fio: 'Чужой Адрес',
    ip: '172.31.0.15',
  });
  await user({ uid: 16, login: 'day16', deposit: '16', kopecks: 1_600, status: 'active', fio: 'Суточник', tp: 3 });
  for (let i = 20; i < 32; i++) {
    const rub = (i * 53) % 700;
    await user({
      uid: i,
      login: `user${i}`,
      deposit: `${i % 6 === 0 ? '-' : ''}${rub}.${pad(i)}`,
      kopecks: (i % 6 === 0 ? -1 : 1) * (rublesToKopecks(rub) + i),
      status: i % 6 === 0 ? 'blocked' : 'active',
      fio: `Абонентов ${i}`,
      ip: `10.1.0.${100 + i}`,
      cid: `02:00:00:00:01:${pad(i)}`,
    });
  }
  await c.query(
    `INSERT INTO payments (date, sum, dsc, uid, method, bill_id, inner_describe) VALUES ('2026-11-11 11:00:00', 100, 'ничей', 9999, 0, 0, '')`,
  );
  return {
    expected,
    payments: { imported: paymentsImported, amount, refused: { unknown_subscriber: 1 } },
    star: { sourceId: '1', login: 'abonent1', password: 'Ab-1-pw', ip: '10.1.0.10', monthlyFee: 50_000 },
    nasAddress: '127.0.0.1',
    nasSecret: 'nas-secret-123',
  };
}

function ipNum(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
