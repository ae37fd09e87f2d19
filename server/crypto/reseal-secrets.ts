import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../db/client.js';
import { inTransaction } from '../db/transaction.js';
import { needsReseal, open, seal, type SealPurpose, type SecretKeys } from './secret-box.js';

/**
 * Every column that holds a sealed value: table, key column, value column, what it is. A new sealed
 * column must be added here (server/crypto/reseal-secrets.test.ts fails on a `*_enc` column missing).
 */
export const SEALED: { table: string; id: string; column: string; purpose: SealPurpose; kind: string }[] = [
  { table: 'subscribers', id: 'id', column: 'passport_enc', purpose: 'passport', kind: 'passports' },
  { table: 'staff_users', id: 'id', column: 'totp_secret', purpose: 'totp', kind: 'staff TOTP secrets' },
  {
    table: 'network_access',
    id: 'account_id',
    column: 'password_enc',
    purpose: 'network-password',
    kind: 'PPPoE passwords',
  },
  { table: 'nas', id: 'id', column: 'secret_enc', purpose: 'nas-secret', kind: 'NAS secrets' },
  {
    table: 'contract_pdfs',
    id: 'contract_id',
    column: 'pdf_enc',
    purpose: 'contract-pdf',
    kind: 'contract PDFs (24 hours)',
  },
];

const BATCH = 1_000;

/**
 * After APP_SECRET changed (the old one in APP_SECRET_PREVIOUS): rewrites every sealed value under the
 * current key, and seals values stored before encryption existed (plain TOTP secrets). Batches of
 * 1 000 rows, each one UPDATE … FROM (VALUES …) in its own transaction, walked by id, so it can run
 * while the app serves and can be stopped and run again. Returns, per kind, how many values were
 * rewritten. The clear values do not change, so the network directory is not told row by row (the
 * `abonent.reseal` setting silences network_access's trigger): every process already opens both keys
 * and takes the new ciphertexts at its next full reload.
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
      await inTransaction(db, async (tx) => {
        await tx.execute(sql`select set_config('abonent.reseal', 'on', true)`);
        await tx.execute(
          sql`update ${sql.identifier(s.table)} t set ${sql.identifier(s.column)} = v.value
            from (values ${sql.join(
              changed.map((c) => sql`(${c.id}::int8, ${c.old}::text, ${c.value}::text)`),
              sql`, `,
            )}) as v(id, old, value)
            where t.${sql.identifier(s.id)} = v.id and t.${sql.identifier(s.column)} = v.old`,
        );
      });
      count += changed.length;
    }
    done[s.kind] = count;
    log(`${s.kind}: ${count} resealed`);
  }
  return done;
}
