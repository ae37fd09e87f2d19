import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../db/client.js';
import { needsReseal, open, seal, type SealPurpose, type SecretKeys } from './secret-box.js';

/** The columns that hold sealed values: table, key column, value column, what they are. */
const SEALED: { table: string; id: string; column: string; purpose: SealPurpose }[] = [
  { table: 'subscribers', id: 'id', column: 'passport_enc', purpose: 'passport' },
  { table: 'staff_users', id: 'id', column: 'totp_secret', purpose: 'totp' },
  // A database import's connection, kept only while its run waits or runs (docs/import.md).
  { table: 'import_runs', id: 'id', column: 'connection_enc', purpose: 'import-source' },
];

const BATCH = 1_000;

/**
 * After APP_SECRET changed (the old one in APP_SECRET_PREVIOUS): rewrites every sealed value under the
 * current key, and seals values stored before encryption existed (plain TOTP secrets). Batches of
 * 1 000 rows, each one UPDATE … FROM (VALUES …) in its own transaction, walked by id, so it can run
 * while the app serves and can be stopped and run again. Returns how many values were rewritten.
 */
export async function resealSecrets(
  db: Db,
  keys: SecretKeys,
  log: (line: string) => void = () => {},
): Promise<Record<string, number>> {
  const done: Record<string, number> = {};
  for (const s of SEALED) {
    let after = 0;
    let count = 0;
    for (;;) {
      const rows = await queryRows<{ id: number; value: string }>(
        db,
        sql`select ${sql.identifier(s.id)} as id, ${sql.identifier(s.column)} as value from ${sql.identifier(s.table)}
            where ${sql.identifier(s.column)} is not null and ${sql.identifier(s.id)} > ${after}
            order by ${sql.identifier(s.id)} limit ${BATCH}`,
      );
      if (rows.length === 0) break;
      after = Number(rows.at(-1)!.id);
      const changed = rows
        .filter((r) => needsReseal(r.value, s.purpose, keys))
        .map((r) => {
          const plain = /^v[12]:/.test(r.value) ? open(r.value, s.purpose, keys) : r.value;
          return { id: Number(r.id), old: r.value, value: seal(plain, s.purpose, keys) };
        });
      if (changed.length === 0) continue;
      // Only rows still holding the value read are rewritten: a change made meanwhile is kept.
      await db.execute(
        sql`update ${sql.identifier(s.table)} t set ${sql.identifier(s.column)} = v.value
            from (values ${sql.join(
              changed.map((c) => sql`(${c.id}::int8, ${c.old}::text, ${c.value}::text)`),
              sql`, `,
            )}) as v(id, old, value)
            where t.${sql.identifier(s.id)} = v.id and t.${sql.identifier(s.column)} = v.old`,
      );
      count += changed.length;
    }
    done[`${s.table}.${s.column}`] = count;
    log(`${s.table}.${s.column}: ${count} resealed`);
  }
  return done;
}
