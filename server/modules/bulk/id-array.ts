/** Ids as a PostgreSQL array literal for `= any($1::int8[])`. */
export function idArray(ids: readonly number[]): string {
  return `{${ids.map((i) => Math.trunc(i)).join(',')}}`;
}
