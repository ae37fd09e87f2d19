import { type SQL, sql } from 'drizzle-orm';

import { normalizeAddressText, parseHouses } from '../../../common/address-match.js';
import { AppError } from '../../../common/errors.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import type { BulkFilter } from './bulk.schemas.js';
import { idArray } from './id-array.js';

const UPPER = 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё';
const LOWER = 'абвгдеежзийклмнопрстуфхцчшщъыьэюяе';

/**
 * An address as compared (common/address-match.ts normalizeAddressText, in SQL): Cyrillic lowered by
 * an explicit table, so the result does not depend on the database's locale; ё → е; spaces collapsed.
 */
export function normalizedAddress(column: SQL): SQL {
  return sql`regexp_replace(lower(translate(${column}, ${UPPER}, ${LOWER})), '\\s+', ' ', 'g')`;
}

/**
 * The house number written after "д." or "дом" in a normalized address: digits, an optional "/digits"
 * and one letter not followed by more ("д. 12а" → 12а, "д.7/2" → 7/2, "д. 12к1" → 12); null when none.
 */
export function houseOf(normalized: SQL): SQL {
  return sql`substring(${normalized} from '(?:^|[\\s,])(?:дом|д\\.?)\\s*(\\d+(?:/\\d+)?(?:[а-яa-z](?![0-9а-яa-z]))?)')`;
}

/**
 * The accounts a filter selects, within the staff member's regions: `select a.id as account_id …`
 * (docs/bulk.md "Selection"). Bulk operations (preview and run) and outages (who is affected) use it,
 * so what staff see counted is what is acted on.
 */
export function selectAccounts(f: BulkFilter, scope: RegionScope): SQL {
  const where: SQL[] = [
    inRegions(scope, sql`a.region_id`),
    sql`a.status = any(${`{${f.statuses.join(',')}}`}::text[])`,
  ];
  if (f.regionIds?.length) where.push(sql`a.region_id = any(${idArray(f.regionIds)}::int8[])`);
  if (f.tariffIds?.length)
    where.push(
      sql`exists (select 1 from subscriptions s where s.account_id = a.id and s.kind = 'tariff' and s.ends_on is null
                  and s.tariff_id = any(${idArray(f.tariffIds)}::int8[]))`,
    );
  if (f.balanceBelow !== undefined) where.push(sql`a.balance < ${f.balanceBelow}`);
  let address = false;
  if (f.street) {
    address = true;
    const street = normalizeAddressText(f.street);
    where.push(sql`position(${street} in ${normalizedAddress(sql`sb.address`)}) > 0`);
    const houses = parseHouses(f.houses);
    if (houses === 'invalid') throw new AppError('validation_failed', { details: 'houses' });
    if (houses) {
      const any: SQL[] = [];
      if (houses.exact.length) any.push(sql`h.house = any(${`{${houses.exact.join(',')}}`}::text[])`);
      for (const [lo, hi] of houses.ranges)
        any.push(sql`substring(h.house from '^\\d+')::int8 between ${lo} and ${hi}`);
      where.push(
        sql`exists (select 1 from (select ${houseOf(normalizedAddress(sql`sb.address`))} as house) h
                    where h.house is not null and (${sql.join(any, sql` or `)}))`,
      );
    }
  }
  if (f.nasIds?.length)
    where.push(
      sql`(select rs.nas_address from radius_sessions rs where rs.account_id = a.id order by rs.started_at desc limit 1)
          in (select n.address from nas n where n.id = any(${idArray(f.nasIds)}::int8[]))`,
    );
  if (f.tagIds?.length)
    where.push(
      sql`exists (select 1 from account_tags t where t.account_id = a.id and t.tag_id = any(${idArray(f.tagIds)}::int8[]))`,
    );
  if (f.outageId)
    where.push(sql`exists (select 1 from outage_accounts o where o.account_id = a.id and o.outage_id = ${f.outageId})`);
  const join = address
    ? sql`join contracts c on c.id = a.contract_id join subscribers sb on sb.id = c.subscriber_id`
    : sql``;
  return sql`select a.id as account_id from accounts a ${join} where ${sql.join(where, sql` and `)}`;
}
