import { type SQL, sql, type SQLWrapper } from 'drizzle-orm';

/**
 * Which regions a report covers: the staff member's regions ('all' for finance and admins who see
 * every region), narrowed by an optional region the request picks.
 */
export interface ReportScope {
  regions: 'all' | readonly number[];
  regionId?: number;
}

export function regionCondition(scope: ReportScope, column: SQLWrapper): SQL {
  const parts: SQL[] = [];
  if (scope.regions !== 'all') {
    parts.push(
      scope.regions.length === 0
        ? sql`false`
        : sql`${column} = any(${`{${scope.regions.map((r) => Math.trunc(r)).join(',')}}`}::int8[])`,
    );
  }
  if (scope.regionId !== undefined) parts.push(sql`${column} = ${scope.regionId}`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}
