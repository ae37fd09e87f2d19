import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { CANDIDATE } from './check-import.js';
import { mappedAddons, mappedNas, mappedTariffs, type Mapping } from './mapping.js';
import { ipToNumber } from './source-values.js';

/** What a run found and (a real run) did: docs/import.md, "Report". Money in kopecks. */
export interface ImportReport {
  subscribers: {
    read: number;
    toImport: number;
    alreadyImported: number;
    refused: number;
    active: number;
    blocked: number;
    suspended: number;
    closed: number;
    withLogin: number;
    withIp: number;
    withoutPhone: number;
  };
  payments: { read: number; toImport: number; alreadyImported: number; refused: number; amount: number };
  money: { opening: number; credits: number; debts: number; debtors: number; creditLimits: number };
  catalog: {
    regions: string[];
    tariffs: { region: string; code: string; name: string }[];
    addons: { region: string; code: string; name: string }[];
    nas: { name: string; address: string }[];
    pools: { region: string; first: string; last: string; addresses: number }[];
  };
  problems: { refused: number; conflict: number; warning: number; byReason: Record<string, number> };
  /** A real run: what it wrote. */
  written: { accounts: number; openingEntries: number; amount: number; blocked: number; payments: number } | null;
}

export async function buildReport(
  db: Db,
  opts: {
    runId: number;
    source: string;
    mapping: Mapping;
    pools: { region: string; first: string; last: string }[];
    paymentsRead: number;
  },
): Promise<ImportReport> {
  const [s] = await queryRows<Record<string, number>>(
    db,
    sql`select count(*)::int8 as read,
          count(*) filter (where linked_account_id is not null)::int8 as already,
          count(*) filter (where problem is not null and linked_account_id is null)::int8 as refused,
          count(*) filter (where ${CANDIDATE})::int8 as to_import,
          count(*) filter (where ${CANDIDATE} and status = 'active' and balance + credit_limit >= 0)::int8 as active,
          count(*) filter (where ${CANDIDATE} and status = 'active' and balance + credit_limit < 0)::int8 as blocked,
          count(*) filter (where ${CANDIDATE} and status = 'suspended')::int8 as suspended,
          count(*) filter (where ${CANDIDATE} and status = 'closed')::int8 as closed,
          count(*) filter (where ${CANDIDATE} and status <> 'closed' and login is not null)::int8 as with_login,
          count(*) filter (where ${CANDIDATE} and status <> 'closed' and ip is not null)::int8 as with_ip,
          count(*) filter (where ${CANDIDATE} and phone = '')::int8 as without_phone,
          coalesce(sum(balance) filter (where ${CANDIDATE}), 0)::int8 as opening,
          coalesce(sum(balance) filter (where ${CANDIDATE} and balance > 0), 0)::int8 as credits,
          coalesce(sum(balance) filter (where ${CANDIDATE} and balance < 0), 0)::int8 as debts,
          count(*) filter (where ${CANDIDATE} and balance < 0)::int8 as debtors,
          coalesce(sum(credit_limit) filter (where ${CANDIDATE}), 0)::int8 as credit_limits
        from import_stage_subscribers`,
  );
  const [p] = await queryRows<{ staged: number; already: number; amount: number }>(
    db,
    sql`select count(*)::int8 as staged,
          count(*) filter (where h.id is not null)::int8 as already,
          coalesce(sum(p.amount) filter (where h.id is null), 0)::int8 as amount
        from import_stage_payments p
        left join import_payment_history h on h.source = ${opts.source} and h.source_id = p.source_id`,
  );
  const problems = await queryRows<{ severity: string; reason: string; n: number }>(
    db,
    sql`select severity, reason, count(*)::int8 as n from import_problems where run_id = ${opts.runId}
        group by severity, reason order by severity, reason`,
  );
  const sum = (sev: string) => problems.filter((x) => x.severity === sev).reduce((a, x) => a + x.n, 0);
  return {
    subscribers: {
      read: s!.read!,
      toImport: s!.to_import!,
      alreadyImported: s!.already!,
      refused: s!.refused!,
      active: s!.active!,
      blocked: s!.blocked!,
      suspended: s!.suspended!,
      closed: s!.closed!,
      withLogin: s!.with_login!,
      withIp: s!.with_ip!,
      withoutPhone: s!.without_phone!,
    },
    payments: {
      read: opts.paymentsRead,
      toImport: p!.staged - p!.already,
      alreadyImported: p!.already,
      refused: opts.paymentsRead - p!.staged,
      amount: p!.amount,
    },
    money: {
      opening: s!.opening!,
      credits: s!.credits!,
      debts: s!.debts!,
      debtors: s!.debtors!,
      creditLimits: s!.credit_limits!,
    },
    catalog: await catalogToCreate(db, opts.mapping, opts.pools),
    problems: {
      refused: sum('refused'),
      conflict: sum('conflict'),
      warning: sum('warning'),
      byReason: Object.fromEntries(problems.map((x) => [`${x.severity}:${x.reason}`, x.n])),
    },
    written: null,
  };
}

/** Regions, tariffs, add-ons, NAS and pools a real run would make (what Abonent does not have yet). */
export async function catalogToCreate(
  db: Db,
  m: Mapping,
  pools: { region: string; first: string; last: string }[],
): Promise<ImportReport['catalog']> {
  const regions = (await queryRows<{ code: string }>(db, sql`select code from regions`)).map((r) => r.code);
  const used = await queryRows<{ region_code: string; kind: string; code: string }>(
    db,
    sql`select distinct region_code, 'tariff' as kind, tariff_code as code from import_stage_subscribers
        where ${CANDIDATE} and status <> 'closed' and tariff_code is not null
        union
        select distinct s.region_code, 'addon', a.code from import_stage_subscribers s cross join unnest(s.addons) a(code)
        where ${CANDIDATE} and s.status <> 'closed'
        union
        select distinct region_code, 'static_ip', '' from import_stage_subscribers
        where ${CANDIDATE} and status <> 'closed' and ip is not null
        union
        select distinct region_code, 'region', '' from import_stage_subscribers where ${CANDIDATE}`,
  );
  const have = await queryRows<{ region: string; kind: string; code: string }>(
    db,
    sql`select r.code as region, 'tariff' as kind, t.code from tariffs t join regions r on r.id = t.region_id
        union all
        select r.code, 'service', v.code from services v join regions r on r.id = v.region_id`,
  );
  const exists = (region: string, kind: 'tariff' | 'service', code: string) =>
    have.some((h) => h.region === region && h.kind === kind && h.code === code);
  const nasNew = [];
  for (const n of mappedNas(m).filter((x) => x.secret)) {
    const [taken] = await queryRows<{ id: number }>(db, sql`select id from nas where address = ${n.address}::inet`);
    if (!taken) nasNew.push({ name: n.name, address: n.address });
  }
  const regionNeeded = new Set([
    ...used.map((u) => u.region_code),
    ...pools.map((p) => p.region),
    ...mappedNas(m)
      .filter((x) => x.secret)
      .map((n) => n.region),
  ]);
  return {
    regions: m.newRegions.filter((r) => !regions.includes(r.code) && regionNeeded.has(r.code)).map((r) => r.code),
    tariffs: used
      .filter((u) => u.kind === 'tariff' && !exists(u.region_code, 'tariff', u.code))
      .map((u) => ({
        region: u.region_code,
        code: u.code,
        name: mappedTariffs(m).find((t) => t.code === u.code)?.nameRu ?? u.code,
      })),
    addons: [
      ...used
        .filter((u) => u.kind === 'addon' && !exists(u.region_code, 'service', u.code))
        .map((u) => ({
          region: u.region_code,
          code: u.code,
          name: mappedAddons(m).find((t) => t.code === u.code)?.nameRu ?? u.code,
        })),
      ...used
        .filter((u) => u.kind === 'static_ip' && !exists(u.region_code, 'service', m.staticIp.code))
        .map((u) => ({ region: u.region_code, code: m.staticIp.code, name: m.staticIp.nameRu })),
    ],
    nas: nasNew,
    pools: pools.map((x) => ({ ...x, addresses: ipToNumber(x.last) - ipToNumber(x.first) + 1 })),
  };
}
