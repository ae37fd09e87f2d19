import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { mappedNas, mappedPools, type Mapping } from './mapping.js';
import type { Problem } from './normalize.js';
import { ipToNumber } from './source-values.js';

/** The largest pool a mapping may bring in at once (a /16). */
export const MAX_POOL_ADDRESSES = 65_536;

/** Rows still to write: neither refused nor linked to an earlier run. */
export const CANDIDATE = sql.raw('problem is null and linked_account_id is null');

/** Every region the mapping points at must exist or be described under newRegions. */
export async function checkMappingRegions(db: Db, m: Mapping): Promise<void> {
  const existing = new Set((await queryRows<{ code: string }>(db, sql`select code from regions`)).map((r) => r.code));
  const known = (code: string) => existing.has(code) || m.newRegions.some((r) => r.code === code);
  const used = [
    m.defaultRegion,
    ...m.regions.map((r) => r.region),
    ...mappedNas(m).map((n) => n.region),
    ...mappedPools(m).map((p) => p.region),
  ];
  const unknown = used.find((c) => !known(c));
  if (unknown)
    throw new AppError('import_mapping_invalid', {
      details: `region "${unknown}" is neither in Abonent nor under newRegions`,
    });
  for (const r of m.newRegions) {
    if (existing.has(r.code)) continue;
    const [clash] = await queryRows<{ code: string }>(
      db,
      sql`select code from regions where contract_prefix = ${r.contractPrefix}`,
    );
    if (clash)
      throw new AppError('import_mapping_invalid', {
        details: `newRegions.${r.code}: contract prefix ${r.contractPrefix} is region ${clash.code}'s`,
      });
  }
}

/** Pools the mapping brings, as ranges for the address checks (too large ones are left out and reported). */
export function poolRanges(m: Mapping): {
  ranges: { region: string; first: string; last: string }[];
  problems: Problem[];
} {
  const ranges: { region: string; first: string; last: string }[] = [];
  const problems: Problem[] = [];
  for (const p of mappedPools(m)) {
    const size = ipToNumber(p.last) - ipToNumber(p.first) + 1;
    if (size < 1 || size > MAX_POOL_ADDRESSES)
      problems.push({
        severity: 'conflict',
        ref: `pools.from=${p.from}`,
        sourceId: p.from,
        reason: 'pool_too_large',
        detail: `${p.first}–${p.last}`,
      });
    else ranges.push({ region: p.region, first: p.first, last: p.last });
  }
  return { ranges, problems };
}

/** NAS the mapping brings: without a secret they are not imported; an address Abonent has is reused. */
export async function checkNas(db: Db, m: Mapping): Promise<Problem[]> {
  const out: Problem[] = [];
  for (const n of mappedNas(m)) {
    const ref = `nas.from=${n.from}`;
    if (!n.secret)
      out.push({ severity: 'conflict', ref, sourceId: n.from, reason: 'nas_no_secret', detail: n.address });
    else {
      const [taken] = await queryRows<{ id: number }>(db, sql`select id from nas where address = ${n.address}::inet`);
      if (taken)
        out.push({ severity: 'warning', ref, sourceId: n.from, reason: 'nas_address_taken', detail: n.address });
    }
  }
  return out;
}

/**
 * The checks in SQL over the staged rows (docs/import.md, "Conflicts"): rows of an earlier run are
 * linked and left alone; of the others, those whose contract or account number, login, MAC or IP is
 * another row's too, or is already Abonent's, or whose IP falls in no pool of its region, are refused —
 * all the rows that share a value, since the import cannot know which one the network knows. Writes the
 * conflicts to import_problems and returns how many rows they refused.
 */
export async function checkStaged(
  db: Db,
  opts: { runId: number; source: string; pools: { region: string; first: string; last: string }[] },
): Promise<number> {
  await db.execute(
    sql`update import_stage_subscribers s set linked_account_id = l.target_id, linked_amount = l.amount
        from import_links l
        where l.source = ${opts.source} and l.kind = 'subscriber' and l.source_id = s.source_id`,
  );
  // The same id twice in the source: every such row is refused (which one is right is the source's question).
  await db.execute(
    sql`with d as (
          select seq from (select seq, count(*) over (partition by source_id) as n from import_stage_subscribers) x where n > 1),
        p as (
          insert into import_problems (run_id, severity, ref, source_id, reason, detail)
          select ${opts.runId}, 'refused', s.ref, s.source_id, 'duplicate_id', s.source_id
          from import_stage_subscribers s join d on d.seq = s.seq where s.problem is null)
        update import_stage_subscribers s set problem = 'duplicate_id', linked_account_id = null
        from d where d.seq = s.seq and s.problem is null`,
  );
  const pools = JSON.stringify(opts.pools);
  const [r] = await queryRows<{ n: number }>(
    db,
    sql`with cand as (
          select * from import_stage_subscribers where ${CANDIDATE}),
        open as (select * from cand where status <> 'closed'),
        pools as (select * from json_to_recordset(${pools}::json) as p(region text, first inet, last inet)),
        conf as (
          select seq, 'contract_duplicate' as reason, contract as detail
          from (select seq, contract, count(*) over (partition by contract) as n from cand where contract is not null) x where n > 1
          union all
          select c.seq, 'contract_taken', c.contract from cand c join contracts k on k.number = c.contract
          union all
          select seq, 'account_duplicate', account_number
          from (select seq, account_number, count(*) over (partition by account_number) as n
                from cand where account_number is not null) x where n > 1
          union all
          select c.seq, 'account_taken', c.account_number from cand c join accounts a on a.number = c.account_number
          union all
          select seq, 'login_duplicate', login
          from (select seq, login, count(*) over (partition by login) as n from open where login is not null) x where n > 1
          union all
          select c.seq, 'login_taken', c.login from open c join network_access n on n.login = c.login
          union all
          select seq, 'mac_duplicate', mac
          from (select seq, mac, count(*) over (partition by mac) as n from open where mac is not null) x where n > 1
          union all
          select c.seq, 'mac_taken', c.mac from open c join network_access n on n.mac = c.mac
          union all
          select seq, 'ip_duplicate', host(ip)
          from (select seq, ip, count(*) over (partition by ip) as n from open where ip is not null) x where n > 1
          union all
          select c.seq, 'ip_taken', host(c.ip) from open c
          where c.ip is not null and (exists (select 1 from network_access n where n.static_ip = c.ip)
                                      or exists (select 1 from ip_addresses i where i.address = c.ip and i.subscription_id is not null))
          union all
          select c.seq, 'ip_outside_pools', host(c.ip) from open c
          where c.ip is not null
            and not exists (select 1 from ip_addresses i join regions g on g.id = i.region_id
                            where i.address = c.ip and g.code = c.region_code)
            and not exists (select 1 from pools p where p.region = c.region_code and c.ip between p.first and p.last)),
        ins as (
          insert into import_problems (run_id, severity, ref, source_id, reason, detail)
          select ${opts.runId}, 'conflict', s.ref, s.source_id, conf.reason, conf.detail
          from conf join import_stage_subscribers s on s.seq = conf.seq
          order by s.seq, conf.reason),
        upd as (
          update import_stage_subscribers s set problem = f.reason
          from (select distinct on (seq) seq, reason from conf order by seq, reason) f
          where s.seq = f.seq
          returning 1)
        select count(*)::int8 as n from upd`,
  );
  // A later run of the same source: the balance the source shows now is not the one opened.
  await db.execute(
    sql`insert into import_problems (run_id, severity, ref, source_id, reason, detail)
        select ${opts.runId}, 'warning', ref, source_id, 'balance_changed',
               linked_amount::text || ' → ' || balance::text || ' kopecks'
        from import_stage_subscribers
        where linked_account_id is not null and linked_amount is distinct from balance and problem is null`,
  );
  // Payments: whose are they? Rows of a refused subscriber are summed up per subscriber.
  await db.execute(
    sql`with d as (
          select seq from (select seq, count(*) over (partition by source_id) as n from import_stage_payments) x where n > 1),
        dup as (
          insert into import_problems (run_id, severity, ref, source_id, reason, detail)
          select ${opts.runId}, 'refused', p.ref, p.source_id, 'duplicate_id', p.source_id
          from import_stage_payments p join d on d.seq = p.seq)
        delete from import_stage_payments p using d where p.seq = d.seq`,
  );
  await db.execute(
    sql`with subs as (
          select distinct on (source_id) source_id, ref, problem, linked_account_id
          from import_stage_subscribers order by source_id, (problem is null) desc, seq),
        orphan as (
          insert into import_problems (run_id, severity, ref, source_id, reason, detail)
          select ${opts.runId}, 'refused', p.ref, p.source_id, 'unknown_subscriber', p.subscriber_source_id
          from import_stage_payments p
          where not exists (select 1 from subs s where s.source_id = p.subscriber_source_id)
            and not exists (select 1 from import_links l where l.source = ${opts.source} and l.kind = 'subscriber'
                            and l.source_id = p.subscriber_source_id)),
        refused as (
          insert into import_problems (run_id, severity, ref, source_id, reason, detail)
          select ${opts.runId}, 'refused', s.ref, s.source_id, 'subscriber_not_imported', count(*)::text
          from import_stage_payments p join subs s on s.source_id = p.subscriber_source_id
          where s.problem is not null and s.linked_account_id is null
          group by s.ref, s.source_id)
        delete from import_stage_payments p
        where not exists (select 1 from subs s where s.source_id = p.subscriber_source_id
                            and (s.problem is null or s.linked_account_id is not null))
          and not exists (select 1 from import_links l where l.source = ${opts.source} and l.kind = 'subscriber'
                            and l.source_id = p.subscriber_source_id)`,
  );
  return r?.n ?? 0;
}
