/**
 * A CSV set as an ISP exports it from a spreadsheet (docs/import.md, "CSV files"), with the oddities real
 * exports have: Windows-1251 text, `;` separators, decimal commas, quoted fields with the separator in
 * them, empty phones, a closed and a frozen contract, a negative balance — and rows broken on purpose,
 * each named with the reason the dry run must give.
 */
const CP1251 = (() => {
  const d = new TextDecoder('windows-1251');
  const m = new Map<string, number>();
  for (let b = 0; b < 256; b++) m.set(d.decode(Uint8Array.of(b)), b);
  return m;
})();

/** Text as Windows-1251 bytes (what Excel saves a Russian CSV in). */
export function cp1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      const b = CP1251.get(c);
      if (b === undefined) throw new Error(`not in cp1251: ${c}`);
      return b;
    }),
  );
}

export interface FixtureSubscriber {
  id: string;
  name: string;
  balance: string;
  /** Expected kopecks in Abonent (null: refused). */
  kopecks: number | null;
  login?: string;
  password?: string;
  ip?: string;
  mac?: string;
  status?: string;
  tariff?: string;
  phone?: string;
  email?: string;
  contract?: string;
  account?: string;
  addons?: string;
  credit?: string;
  /** The reason the dry run must give for this row (refused or conflict). */
  expect?: string;
}

export const CSV_SUBSCRIBERS: FixtureSubscriber[] = [
  {
    id: '1',
    name: 'Иванов Иван Петрович',
    balance: '1500.50',
    kopecks: 150_050,
    login: 'Ivanov',
    password: 'old-PPP-secret-1',
    ip: '10.20.0.10',
    mac: '00-1A-2B-3C-4D-5E',
    phone: '8 (912) 345-67-89',
    email: 'ivanov@example.ru',
    contract: 'Д-1001',
    account: '500100',
    addons: 'tv-basic',
  },
  {
    id: '2',
    name: 'Петрова Анна',
    balance: '-250,75',
    kopecks: -25_075,
    login: 'petrova',
    password: 'pw-2',
    phone: '',
  },
  { id: '3', name: 'Сидоров; Пётр "Младший"', balance: '0', kopecks: 0, login: 'sidorov', password: 'pw-3' },
  { id: '4', name: 'Кузнецова Ольга', balance: '120.00', kopecks: 12_000, status: 'закрыт', login: 'kuz' },
  {
    id: '5',
    name: 'Смирнов Олег',
    balance: '99.99',
    kopecks: 9_999,
    status: 'frozen',
    login: 'smirnov',
    credit: '300',
  },
  { id: '6', name: 'Дубль Первый', balance: '10', kopecks: null, login: 'double', expect: 'login_duplicate' },
  { id: '7', name: 'Дубль Второй', balance: '20', kopecks: null, login: 'DOUBLE', expect: 'login_duplicate' },
  {
    id: '8',
    name: 'Вне пула',
    balance: '5',
    kopecks: null,
    login: 'outside',
    ip: '192.168.99.5',
    expect: 'ip_outside_pools',
  },
  { id: '9', name: 'Кривой Баланс', balance: '12,5O', kopecks: null, login: 'crooked', expect: 'bad_balance' },
  {
    id: '10',
    name: 'Золотой Тариф',
    balance: '1',
    kopecks: null,
    login: 'gold',
    tariff: 'gold',
    expect: 'plan_not_mapped',
  },
  { id: '11', name: 'Кривой Адрес', balance: '1', kopecks: null, login: 'badip', ip: '10.20.0.300', expect: 'bad_ip' },
  {
    id: '12',
    name: 'Занятый Договор',
    balance: '1',
    kopecks: null,
    login: 'taken',
    contract: 'D-100',
    expect: 'contract_taken',
  },
  { id: '13', name: 'Копия Раз', balance: '1', kopecks: null, login: 'copy1', expect: 'duplicate_id' },
  { id: '13', name: 'Копия Два', balance: '1', kopecks: null, login: 'copy2', expect: 'duplicate_id' },
  { id: '14', name: 'Плохой Логин', balance: '1', kopecks: null, login: 'a b', expect: 'bad_login' },
];

function csvLine(fields: string[]): string {
  return fields.map((f) => (/[;"\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(';');
}

/** The whole set, by file name; subscribers.csv and payments.csv in Windows-1251. */
export function csvFixture(): Record<string, Buffer> {
  const subs = [
    csvLine([
      'id',
      'contract',
      'account',
      'name',
      'passport',
      'phone',
      'email',
      'address',
      'region',
      'tariff',
      'addons',
      'status',
      'login',
      'password',
      'mac',
      'ip',
      'balance',
      'credit',
      'signed_on',
    ]),
    ...CSV_SUBSCRIBERS.map((s) =>
      csvLine([
        s.id,
        s.contract ?? '',
        s.account ?? '',
        s.name,
        '4510 123456',
        s.phone ?? '+7 921 000-00-' + s.id.padStart(2, '0'),
        s.email ?? '',
        'г. Северск, ул. Ленина, д. 5',
        'north',
        s.tariff ?? 'home-100',
        s.addons ?? '',
        s.status ?? 'active',
        s.login ?? '',
        s.password ?? '',
        s.mac ?? '',
        s.ip ?? '',
        s.balance,
        s.credit ?? '',
        '15.03.2019',
      ]),
    ),
  ].join('\r\n');
  const payments = [
    'id;subscriber;date;amount;method;comment',
    '101;1;2026-01-05 10:00:00;500.00;Наличные;январь',
    '102;1;2026-02-05 10:00:00;500.00;Наличные;',
    '103;2;2026-02-07;300,50;Банк;',
    '104;999;2026-02-07;100;Банк;чужой',
    '105;1;31.02.2026;100;Банк;кривая дата',
    '106;1;2026-03-01;сто;Банк;кривая сумма',
    '107;6;2026-03-01;50;Банк;платёж отказанного',
  ].join('\r\n');
  return {
    'subscribers.csv': cp1251(`${subs}\r\n`),
    'payments.csv': cp1251(`${payments}\r\n`),
    'regions.csv': Buffer.from(
      'code,name_ru,name_en,time_zone,contract_prefix,support_phone,support_email\n' +
        'north,Северный,North,Europe/Moscow,31,8 800 555-91-67,north@example.net\n',
    ),
    'tariffs.csv': Buffer.from(
      'code,name_ru,name_en,monthly_fee,speed_down_kbps,speed_up_kbps,period\n' +
        'home-100,Домашний 100,Home 100,600.00,100000,50000,day\n',
    ),
    'addons.csv': Buffer.from('code,kind,name_ru,monthly_fee\ntv-basic,tv,ТВ Базовый,199.00\n'),
    'pools.csv': Buffer.from('id,name,region,first,last\n1,Абоненты,north,10.20.0.1,10.20.0.254\n'),
    'nas.csv': Buffer.from('id,name,address,vendor,secret,region\n1,BRAS-1,127.0.0.1,mikrotik,nas-secret-123,north\n'),
  };
}
