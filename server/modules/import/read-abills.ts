import { day, type MysqlSource, text, textNoting } from './mysql-source.js';
import {
  READ_BATCH,
  type SourceCatalog,
  type SourcePayment,
  type SourceReader,
  type SourceStatus,
  type SourceSubscriber,
} from './source.js';
import { normaliseMac, numberToIp } from './source-values.js';

/**
 * ABillS (docs/import.md, "ABillS"): anphsw/abills db/abills.sql (users, users_pi, bills, groups,
 * users_contacts, districts/streets/builds, tarif_plans, intervals + trafic_tarifs, internet_main, nas,
 * ippools, payments, payments_type) and, when the Abon module is installed, db/Abon.sql (abon_tariffs,
 * abon_user_list). Keyed by users.uid.
 *
 * Passwords are kept with MySQL's ENCODE() under the install's `$conf{secretkey}` (libexec/config.pl):
 * the import reads them with DECODE() and that key, as ABillS's own RADIUS module does (Auth2.pm): the
 * PPPoE login is internet_main.login, or the account login users.id when it is empty; its password
 * internet_main.password, or users.password when that is empty.
 *
 * Status: deleted, or users.disable = 1 → closed; users.disable = 3 or internet_main.disable = 3
 * (hold-up) → suspended; otherwise active (ABillS's "non-payment" states are Abonent's own decision
 * from the money). Company (legal entity) accounts are refused.
 */
export function abillsReader(db: MysqlSource, secretKey: string): SourceReader {
  let abon: boolean | null = null;
  const hasAbon = async () => (abon ??= (await db.hasTable('abon_user_list')) && (await db.hasTable('abon_tariffs')));
  return {
    kind: 'abills',
    async catalog(): Promise<SourceCatalog> {
      const areas = await db.rows<{ gid: number; name: Buffer | null; n: number }>(
        `SELECT u.gid, g.name AS name, COUNT(*) AS n FROM users u LEFT JOIN \`groups\` g ON g.gid = u.gid
         GROUP BY u.gid, g.name ORDER BY u.gid`,
      );
      const plans = await db.rows<{
        tp_id: number;
        name: Buffer;
        month_fee: string;
        day_fee: string;
        distribution: number;
        down: number | null;
        up: number | null;
        n: number;
      }>(
        `SELECT tp.tp_id, tp.name AS name, CAST(tp.month_fee AS CHAR) AS month_fee,
                CAST(tp.day_fee AS CHAR) AS day_fee, tp.abon_distribution AS distribution,
                (SELECT MAX(tt.in_speed) FROM trafic_tarifs tt JOIN intervals i ON i.id = tt.interval_id
                 WHERE i.tp_id = tp.tp_id AND tt.id = 0) AS down,
                (SELECT MAX(tt.out_speed) FROM trafic_tarifs tt JOIN intervals i ON i.id = tt.interval_id
                 WHERE i.tp_id = tp.tp_id AND tt.id = 0) AS up,
                (SELECT COUNT(*) FROM internet_main im WHERE im.tp_id = tp.tp_id) AS n
         FROM tarif_plans tp WHERE tp.module IN ('Internet', 'Dv', '') ORDER BY tp.tp_id`,
      );
      const addons = (await hasAbon())
        ? await db.rows<{ id: number; name: Buffer; price: string; period: number; n: number }>(
            `SELECT a.id, a.name AS name, CAST(a.price AS CHAR) AS price, a.period,
                    (SELECT COUNT(DISTINCT ul.uid) FROM abon_user_list ul WHERE ul.tp_id = a.id) AS n
             FROM abon_tariffs a ORDER BY a.id`,
          )
        : [];
      const nas = await db.rows<{ id: number; ip: number; name: Buffer | null; type: string | null }>(
        'SELECT id, ip, name AS name, nas_type AS type FROM nas ORDER BY id',
      );
      const pools = await db.rows<{ id: number; ip: number; counts: number; name: Buffer }>(
        'SELECT id, ip, counts, name AS name FROM ippools WHERE counts > 0 ORDER BY id',
      );
      const warnings: NonNullable<SourceCatalog['warnings']> = [];
      const planList = plans.map((p) => {
        const monthly = Number(p.month_fee) > 0;
        if (!monthly && Number(p.day_fee) > 0)
          warnings.push({ ref: `tarif_plans.tp_id=${p.tp_id}`, reason: 'day_fee_plan', detail: text(p.name) });
        else if (monthly && !p.distribution && Number(p.n) > 0)
          warnings.push({ ref: `tarif_plans.tp_id=${p.tp_id}`, reason: 'monthly_in_advance', detail: text(p.name) });
        return {
          key: String(p.tp_id),
          name: text(p.name),
          monthlyFee: monthly ? p.month_fee : times(p.day_fee, 30),
          speedDownKbps: Number(p.down ?? 0),
          speedUpKbps: Number(p.up ?? 0),
          period: monthly && !p.distribution ? ('month' as const) : ('day' as const),
          subscribers: Number(p.n),
        };
      });
      return {
        areas: areas.map((a) => ({
          key: String(a.gid),
          name: text(a.name) || (a.gid === 0 ? 'без группы' : `group ${a.gid}`),
          subscribers: Number(a.n),
        })),
        plans: planList,
        // Abon periods: 0 day, 1 month, 2 quarter, 3 half a year, 4 year (Abon.pm).
        addons: addons.map((a) => ({
          key: String(a.id),
          name: text(a.name),
          monthlyFee: a.period === 0 ? times(a.price, 30) : divide(a.price, [1, 1, 3, 6, 12][a.period] ?? 1),
          subscribers: Number(a.n),
        })),
        nas: nas.map((n) => ({
          key: String(n.id),
          name: text(n.name),
          address: numberToIp(Number(n.ip)),
          type: n.type ?? '',
          secret: null,
          area: null,
        })),
        pools: pools.map((p) => ({
          key: String(p.id),
          name: text(p.name),
          first: numberToIp(Number(p.ip)),
          last: numberToIp(Number(p.ip) + Number(p.counts) - 1),
          area: null,
        })),
        warnings,
      };
    },
    async counts() {
      const [u] = await db.rows<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      const [p] = await db.rows<{ n: number }>('SELECT COUNT(*) AS n FROM payments');
      return { subscribers: Number(u?.n ?? 0), payments: Number(p?.n ?? 0) };
    },
    async *subscribers() {
      const sql = users(await hasAbon());
      let after = 0;
      for (;;) {
        const rows = await db.rows<AbillsUser>(sql, [secretKey, secretKey, after, READ_BATCH]);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.uid;
        yield rows.map(toSubscriber);
      }
    },
    async *payments() {
      let after = 0;
      for (;;) {
        const rows = await db.rows<{
          id: number;
          uid: number;
          date: string;
          sum: string;
          method: Buffer | null;
          dsc: Buffer | null;
        }>(
          `SELECT p.id, p.uid, p.date, CAST(p.sum AS CHAR) AS sum, t.name AS method,
                  p.dsc AS dsc
           FROM payments p LEFT JOIN payments_type t ON t.id = p.method
           WHERE p.id > ? ORDER BY p.id LIMIT ?`,
          [after, READ_BATCH * 4],
        );
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.id;
        yield rows.map((r): SourcePayment => ({
          ref: `payments.id=${r.id}`,
          sourceId: `p:${r.id}`,
          subscriberId: String(r.uid),
          at: r.date ?? '',
          amount: r.sum,
          kind: 'payment',
          // payments_type names are ABillS's language keys ("$lang{CASH}"): the key is the name.
          method: text(r.method).replace(/^\$lang\{(.+)\}$/, '$1') || null,
          comment: text(r.dsc) || null,
        }));
      }
    },
    close: () => db.close(),
  };
}

/** "12.50" × 30 → "375.00" exactly (decimal strings, never floats). */
function times(decimal: string, n: number): string {
  const [w = '0', f = ''] = decimal.split('.');
  const micro = BigInt(w) * 1_000_000n + BigInt((f + '000000').slice(0, 6));
  return fromMicro(micro * BigInt(n));
}

function divide(decimal: string, n: number): string {
  const [w = '0', f = ''] = decimal.split('.');
  const micro = BigInt(w) * 1_000_000n + BigInt((f + '000000').slice(0, 6));
  return fromMicro(micro / BigInt(n));
}

function fromMicro(m: bigint): string {
  return `${m / 1_000_000n}.${String(m % 1_000_000n).padStart(6, '0')}`;
}

interface AbillsUser {
  uid: number;
  login: Buffer;
  disable: number;
  deleted: number;
  gid: number;
  company_id: number;
  credit: string;
  credit_date: string | null;
  registration: string | null;
  disable_date: string | null;
  upw: Buffer | null;
  deposit: string | null;
  fio: Buffer | null;
  phone: Buffer | null;
  email: Buffer | null;
  contract: Buffer | null;
  contract_date: string | null;
  passport: Buffer | null;
  addr_text: Buffer | null;
  location: Buffer | null;
  tp_id: number | null;
  ip: number | null;
  cid: Buffer | null;
  im_login: Buffer | null;
  im_pw: Buffer | null;
  im_disable: number | null;
  personal_tp: string | null;
  im_count: number;
  phones2: Buffer | null;
  emails2: Buffer | null;
  abon: Buffer | string | null;
}

const users = (abon: boolean) => `
SELECT u.uid, u.id AS login, u.disable, u.deleted, u.gid, u.company_id,
       CAST(u.credit AS CHAR) AS credit, u.credit_date, u.registration, u.disable_date,
       CAST(DECODE(u.password, ?) AS BINARY) AS upw,
       CAST(CAST(b.deposit AS DECIMAL(20,6)) AS CHAR) AS deposit,
       pi.fio AS fio, pi.phone AS phone, pi.email AS email,
       pi.contract_id AS contract, pi.contract_date, pi.pasport_num AS passport,
       CONCAT_WS(', ', NULLIF(pi.city, ''), NULLIF(pi.address_street, ''), NULLIF(pi.address_build, ''),
                      IF(pi.address_flat = '', NULL, CONCAT('кв. ', pi.address_flat))) AS addr_text,
       (SELECT CONCAT_WS(', ', NULLIF(d.name, ''), NULLIF(s.name, ''), NULLIF(bl.number, ''),
                              IF(pi.address_flat = '', NULL, CONCAT('кв. ', pi.address_flat)))
        FROM builds bl JOIN streets s ON s.id = bl.street_id LEFT JOIN districts d ON d.id = s.district_id
        WHERE bl.id = pi.location_id) AS location,
       im.tp_id, im.ip, im.cid AS cid, im.login AS im_login,
       CAST(DECODE(im.password, ?) AS BINARY) AS im_pw, im.disable AS im_disable,
       CAST(im.personal_tp AS CHAR) AS personal_tp,
       (SELECT COUNT(*) FROM internet_main x WHERE x.uid = u.uid) AS im_count,
       (SELECT GROUP_CONCAT(c.value ORDER BY c.priority, c.id SEPARATOR '\\n') FROM users_contacts c
        WHERE c.uid = u.uid AND c.type_id IN (1, 2)) AS phones2,
       (SELECT GROUP_CONCAT(c.value ORDER BY c.priority, c.id SEPARATOR '\\n') FROM users_contacts c
        WHERE c.uid = u.uid AND c.type_id = 9) AS emails2,
       ${abon ? '(SELECT GROUP_CONCAT(DISTINCT ul.tp_id) FROM abon_user_list ul WHERE ul.uid = u.uid)' : 'NULL'} AS abon
FROM users u
LEFT JOIN bills b ON b.id = u.bill_id
LEFT JOIN users_pi pi ON pi.uid = u.uid
LEFT JOIN internet_main im ON im.id = (SELECT MIN(x.id) FROM internet_main x WHERE x.uid = u.uid)
WHERE u.uid > ? ORDER BY u.uid LIMIT ?`;

function toSubscriber(u: AbillsUser): SourceSubscriber {
  const warnings: SourceSubscriber['warnings'] = [];
  const fio = textNoting(u.fio);
  if (fio.repaired) warnings.push({ reason: 'name_repaired', detail: fio.text });
  if (Number(u.im_count) > 1) warnings.push({ reason: 'extra_service', detail: `${u.im_count} internet services` });
  const login = text(u.login);
  const status: SourceStatus =
    u.deleted === 1 || u.disable === 1 ? 'closed' : u.disable === 3 || u.im_disable === 3 ? 'suspended' : 'active';
  const split = (b: Buffer | null) =>
    text(b)
      .split('\n')
      .filter((x) => x.trim() !== '');
  const pppoeLogin = text(u.im_login) || login;
  // CID is what ABillS binds a session to: usually the router's MAC, sometimes a port or an IP.
  const cid = text(u.cid).trim();
  const mac = cid && normaliseMac(cid) ? cid : null;
  if (cid && !mac) warnings.push({ reason: 'cid_not_mac', detail: cid });
  const abon = u.abon == null ? '' : String(u.abon);
  return {
    ref: `users.uid=${u.uid}`,
    sourceId: String(u.uid),
    name: fio.text,
    address: text(u.location) || text(u.addr_text),
    phones: [text(u.phone), ...split(u.phones2)].filter((p) => p.trim() !== ''),
    emails: [text(u.email), ...split(u.emails2)].filter((e) => e.trim() !== ''),
    passport: text(u.passport),
    contract: text(u.contract) || null,
    account: null,
    area: String(u.gid),
    plan: u.tp_id == null ? null : String(u.tp_id),
    addons: abon ? abon.split(',') : [],
    personalFee: u.personal_tp,
    status,
    statusRaw: `disable=${u.disable}`,
    refusal: u.company_id > 0 ? { reason: 'company_account', detail: `company_id=${u.company_id}` } : undefined,
    login: u.tp_id == null ? null : pppoeLogin,
    password: text(u.im_pw) || text(u.upw) || null,
    mac,
    ip: u.ip ? numberToIp(Number(u.ip)) : null,
    balance: u.deposit ?? '0',
    credit: u.credit,
    creditUntil: day(u.credit_date),
    signedOn: day(u.contract_date) ?? day(u.registration),
    closedOn: status === 'closed' ? day(u.disable_date) : null,
    warnings,
  };
}
