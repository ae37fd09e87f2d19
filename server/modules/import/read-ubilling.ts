import { day, type MysqlSource, text, textNoting } from './mysql-source.js';
import {
  READ_BATCH,
  type SourceCatalog,
  type SourcePayment,
  type SourceReader,
  type SourceStatus,
  type SourceSubscriber,
} from './source.js';

/**
 * Ubilling on Stargazer (docs/import.md, "Ubilling"), one database: Stargazer's `users` and `tariffs`
 * (nightflyza/Ubilling docs/dumps/stargazer.sql) and Ubilling's own tables (docs/dumps/ubilling.sql):
 * realname, phones, emails, contracts, contractdates, passportdata, address → apt → build → street →
 * city, nethosts, networks, nas, speeds, tags + vservices, userreg, cemetery, payments, paymentscorr,
 * cashtype. Keyed by the login (Stargazer's primary key).
 *
 * Status: `Down` = 1 or a `cemetery` mark → closed; `Passive` = 1 (frozen) → suspended; else active.
 * The PPPoE login is the login, its password Stargazer's `Password` (kept in clear by Stargazer); the
 * address is `users.IP` with its MAC from `nethosts`. The balance is `Cash`, the credit `Credit` (with
 * `CreditExpire` ≠ 0 it is temporary).
 */
export function ubillingReader(db: MysqlSource): SourceReader {
  return {
    kind: 'ubilling',
    async catalog(): Promise<SourceCatalog> {
      const areas = await db.rows<{ k: Buffer | null; n: number }>(
        `SELECT ci.cityname AS k, COUNT(*) AS n FROM users u
         LEFT JOIN address ad ON ad.id = (SELECT MIN(a2.id) FROM address a2 WHERE a2.login = u.login)
         LEFT JOIN apt ap ON ap.id = ad.aptid LEFT JOIN build b ON b.id = ap.buildid
         LEFT JOIN street st ON st.id = b.streetid LEFT JOIN city ci ON ci.id = st.cityid
         GROUP BY ci.cityname`,
      );
      const plans = await db.rows<{
        name: Buffer;
        fee: string;
        period: string;
        down: string | null;
        up: string | null;
        n: number;
      }>(
        `SELECT t.name AS name, CAST(CAST(t.Fee AS DECIMAL(20,6)) AS CHAR) AS fee, t.period,
                (SELECT s.speeddown FROM speeds s WHERE s.tariff = t.name ORDER BY s.id LIMIT 1) AS down,
                (SELECT s.speedup FROM speeds s WHERE s.tariff = t.name ORDER BY s.id LIMIT 1) AS up,
                (SELECT COUNT(*) FROM users u WHERE u.Tariff = t.name) AS n
         FROM tariffs t ORDER BY t.name`,
      );
      const addons = await db.rows<{ tagid: number; name: Buffer | null; price: string; n: number }>(
        `SELECT v.tagid, tt.tagname AS name, CAST(CAST(v.price AS DECIMAL(20,6)) AS CHAR) AS price,
                (SELECT COUNT(DISTINCT t.login) FROM tags t WHERE t.tagid = v.tagid) AS n
         FROM vservices v LEFT JOIN tagtypes tt ON tt.id = v.tagid WHERE v.archived = 0 ORDER BY v.tagid`,
      );
      const nas = await db.rows<{ id: number; ip: string; name: Buffer; type: string | null }>(
        'SELECT id, nasip AS ip, nasname AS name, nastype AS type FROM nas ORDER BY id',
      );
      const pools = await db.rows<{ id: number; startip: string; endip: string; d: Buffer }>(
        'SELECT id, startip, endip, `desc` AS d FROM networks ORDER BY id',
      );
      const warnings = plans
        .filter((p) => p.period !== 'day' && p.n > 0)
        .map((p) => ({ ref: `tariffs.name=${text(p.name)}`, reason: 'monthly_in_advance', detail: text(p.name) }));
      return {
        areas: areas.map((a) => ({ key: text(a.k), name: text(a.k), subscribers: Number(a.n) })),
        plans: plans.map((p) => ({
          key: text(p.name),
          name: text(p.name),
          monthlyFee: p.fee,
          speedDownKbps: Number(p.down) || 0,
          speedUpKbps: Number(p.up) || 0,
          period: p.period === 'day' ? 'day' : 'month',
          subscribers: Number(p.n),
        })),
        addons: addons.map((a) => ({
          key: `tag:${a.tagid}`,
          name: text(a.name) || `tag ${a.tagid}`,
          monthlyFee: a.price,
          subscribers: Number(a.n),
        })),
        nas: nas.map((n) => ({
          key: String(n.id),
          name: text(n.name),
          address: n.ip,
          type: n.type ?? '',
          secret: null,
          area: null,
        })),
        pools: pools.map((p) => ({ key: String(p.id), name: text(p.d), first: p.startip, last: p.endip, area: null })),
        warnings,
      };
    },
    async counts() {
      const [u] = await db.rows<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      const [p] = await db.rows<{ n: number }>(
        'SELECT (SELECT COUNT(*) FROM payments) + (SELECT COUNT(*) FROM paymentscorr) AS n',
      );
      return { subscribers: Number(u?.n ?? 0), payments: Number(p?.n ?? 0) };
    },
    async *subscribers() {
      let after = '';
      for (;;) {
        const rows = await db.rows<UbillingUser>(USERS, [after, READ_BATCH]);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.login;
        yield rows.map(toSubscriber);
      }
    },
    async *payments() {
      for (const [table, kind] of [
        ['payments', 'payment'],
        ['paymentscorr', 'correction'],
      ] as const) {
        let after = 0;
        for (;;) {
          const rows = await db.rows<{
            id: number;
            login: string;
            date: string;
            summ: Buffer;
            cashtype: Buffer | null;
            note: Buffer | null;
          }>(
            `SELECT p.id, p.login, p.date, p.summ AS summ, c.cashtype AS cashtype,
                    p.note AS note
             FROM ${table} p LEFT JOIN cashtype c ON c.id = p.cashtypeid
             WHERE p.id > ? ORDER BY p.id LIMIT ?`,
            [after, READ_BATCH * 4],
          );
          if (rows.length === 0) break;
          after = rows[rows.length - 1]!.id;
          yield rows.map((r): SourcePayment => ({
            ref: `${table}.id=${r.id}`,
            sourceId: `${kind === 'payment' ? 'p' : 'c'}:${r.id}`,
            subscriberId: r.login,
            at: r.date ?? '',
            amount: text(r.summ),
            kind,
            method: text(r.cashtype) || null,
            comment: text(r.note) || null,
          }));
        }
      }
    },
    close: () => db.close(),
  };
}

interface UbillingUser {
  login: string;
  pw: Buffer | null;
  passive: number;
  down: number;
  tariff: Buffer | null;
  cash: string | null;
  credit: string | null;
  credit_expire: number | null;
  ip: string | null;
  stg_name: Buffer | null;
  stg_phone: Buffer | null;
  stg_email: Buffer | null;
  stg_address: Buffer | null;
  realname: Buffer | null;
  mobile: Buffer | null;
  phone: Buffer | null;
  email: Buffer | null;
  contract: Buffer | null;
  contract_date: string | null;
  passport: Buffer | null;
  city: Buffer | null;
  addr: Buffer | null;
  mac: string | null;
  registered: string | null;
  dead: number | null;
  tags: Buffer | string | null;
}

const USERS = `
SELECT u.login, u.Password AS pw, u.Passive AS passive, u.Down AS down,
       u.Tariff AS tariff,
       CAST(CAST(u.Cash AS DECIMAL(20,6)) AS CHAR) AS cash, CAST(CAST(u.Credit AS DECIMAL(20,6)) AS CHAR) AS credit,
       u.CreditExpire AS credit_expire, u.IP AS ip,
       u.RealName AS stg_name, u.Phone AS stg_phone,
       u.Email AS stg_email, u.Address AS stg_address,
       (SELECT r.realname FROM realname r WHERE r.login = u.login ORDER BY r.id LIMIT 1) AS realname,
       (SELECT p.mobile FROM phones p WHERE p.login = u.login ORDER BY p.id LIMIT 1) AS mobile,
       (SELECT p.phone FROM phones p WHERE p.login = u.login ORDER BY p.id LIMIT 1) AS phone,
       (SELECT e.email FROM emails e WHERE e.login = u.login ORDER BY e.id LIMIT 1) AS email,
       (SELECT c.contract FROM contracts c WHERE c.login = u.login ORDER BY c.id LIMIT 1) AS contract,
       (SELECT cd.date FROM contracts c JOIN contractdates cd ON cd.contract = c.contract
        WHERE c.login = u.login ORDER BY cd.id LIMIT 1) AS contract_date,
       (SELECT pd.passportnum FROM passportdata pd WHERE pd.login = u.login ORDER BY pd.id LIMIT 1) AS passport,
       ci.cityname AS city,
       CONCAT_WS(', ', NULLIF(ci.cityname, ''), NULLIF(st.streetname, ''), NULLIF(b.buildnum, ''),
                      IF(ap.apt IS NULL OR ap.apt = '', NULL, CONCAT('кв. ', ap.apt))) AS addr,
       (SELECT nh.mac FROM nethosts nh WHERE nh.ip = u.IP ORDER BY nh.id LIMIT 1) AS mac,
       (SELECT MIN(ur.date) FROM userreg ur WHERE ur.login = u.login) AS registered,
       (SELECT cm.state FROM cemetery cm WHERE cm.login = u.login ORDER BY cm.id DESC LIMIT 1) AS dead,
       (SELECT GROUP_CONCAT(DISTINCT t.tagid) FROM tags t JOIN vservices v ON v.tagid = t.tagid AND v.archived = 0
        WHERE t.login = u.login) AS tags
FROM users u
LEFT JOIN address ad ON ad.id = (SELECT MIN(a2.id) FROM address a2 WHERE a2.login = u.login)
LEFT JOIN apt ap ON ap.id = ad.aptid LEFT JOIN build b ON b.id = ap.buildid
LEFT JOIN street st ON st.id = b.streetid LEFT JOIN city ci ON ci.id = st.cityid
WHERE u.login > ? ORDER BY u.login LIMIT ?`;

function toSubscriber(u: UbillingUser): SourceSubscriber {
  const warnings: SourceSubscriber['warnings'] = [];
  const real = textNoting(u.realname);
  const stg = textNoting(u.stg_name);
  const name = real.text.trim() ? real : stg;
  if (name.repaired) warnings.push({ reason: 'name_repaired', detail: name.text });
  const status: SourceStatus = u.down === 1 || u.dead === 1 ? 'closed' : u.passive === 1 ? 'suspended' : 'active';
  const tags = u.tags == null ? '' : String(u.tags);
  return {
    ref: `users.login=${u.login}`,
    sourceId: u.login,
    name: name.text,
    address: text(u.addr) || text(u.stg_address),
    phones: [text(u.mobile), text(u.phone), text(u.stg_phone)].filter((p) => p.trim() !== ''),
    emails: [text(u.email), text(u.stg_email)].filter((e) => e.trim() !== ''),
    passport: text(u.passport),
    contract: text(u.contract) || null,
    account: null,
    area: text(u.city),
    plan: text(u.tariff) || null,
    addons: tags ? tags.split(',').map((t) => `tag:${t}`) : [],
    personalFee: null,
    status,
    statusRaw: `Down=${u.down} Passive=${u.passive}`,
    login: u.login,
    password: text(u.pw) || null,
    mac: u.mac,
    ip: u.ip,
    balance: u.cash ?? '0',
    credit: u.credit,
    creditUntil: u.credit_expire ? new Date(Number(u.credit_expire) * 1000).toISOString().slice(0, 10) : null,
    signedOn: day(u.contract_date) ?? day(u.registered),
    closedOn: null,
    warnings,
  };
}
