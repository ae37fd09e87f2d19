import { randomBytes } from 'node:crypto';

import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

/**
 * This installation's id: the prefix of every key Abonent sends to ATOL and the payment providers
 * (decision 0021, docs/payments.md "Keys and installation id"). It lives in the database (table
 * `installation`, made by post-migrate.sql) and is made anew when the database is not the one it was
 * made on: another PostgreSQL cluster (a dump restored elsewhere) or another timeline of it (a
 * point-in-time restore, a promoted replica). Rows keep the key they were made with, so a payment in
 * flight is still found under its old key.
 */

/** The id in SQL, for statements that write a key (one round trip, no id carried in JS). */
export const installationIdSql = sql`(select id from installation)`;

export interface InstallationInfo {
  id: string;
  systemIdentifier: string | null;
  timeline: number | null;
  previous: { id: string; until: string; why: string }[];
}

/** a-z0-9, 10 characters (~51 bits): short enough for T-Bank's 36-character OrderId with a payment id. */
export function newInstallationId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

async function clusterIdentity(db: Db): Promise<{ system: string; timeline: number } | null> {
  try {
    const [r] = await queryRows<{ system: string; timeline: number }>(
      db,
      sql`select (select system_identifier::text from pg_control_system()) as system,
                 (select timeline_id from pg_control_checkpoint())::int as timeline`,
    );
    return r ?? null;
  } catch {
    return null; // not allowed to read pg_control: only `abonent installation renew` changes the id
  }
}

export async function getInstallation(db: Db): Promise<InstallationInfo> {
  const [r] = await queryRows<{
    id: string;
    system_identifier: string | null;
    timeline: number | null;
    previous: InstallationInfo['previous'];
  }>(db, sql`select id, system_identifier, timeline, previous from installation`);
  if (!r) throw new Error('installation id missing: run the migrations (post-migrate.sql makes it)');
  return { id: r.id, systemIdentifier: r.system_identifier, timeline: r.timeline, previous: r.previous };
}

/** Replaces the id (the old one goes to `previous`); `onlyIf` makes it conditional, so racing starts renew once. */
export async function renewInstallation(db: Db, why: string, onlyIf = sql`true`): Promise<string | null> {
  const id = newInstallationId();
  const identity = await clusterIdentity(db);
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update installation set id = ${id}, system_identifier = ${identity?.system ?? null},
          timeline = ${identity?.timeline ?? null}, created_at = now(),
          previous = previous || jsonb_build_array(jsonb_build_object('id', id, 'until', now(), 'why', ${why}::text))
        where ${onlyIf} returning id`,
  );
  return rows[0]?.id ?? null;
}

/**
 * At start: the id stays if this is the cluster and timeline it was made on; otherwise a new one is
 * made (logged). Unknown before (a role that could not read pg_control then) → the identity is noted.
 */
export async function ensureInstallation(db: Db, log?: (msg: string, extra?: object) => void): Promise<string> {
  const cur = await getInstallation(db);
  const identity = await clusterIdentity(db);
  if (!identity) return cur.id;
  if (cur.systemIdentifier === null) {
    await db.execute(sql`update installation set system_identifier = ${identity.system}, timeline = ${identity.timeline}
                         where system_identifier is null`);
    return cur.id;
  }
  if (cur.systemIdentifier === identity.system && cur.timeline === identity.timeline) return cur.id;
  const why =
    cur.systemIdentifier !== identity.system
      ? `another database cluster (${cur.systemIdentifier} → ${identity.system}): restored from a copy`
      : `another timeline (${cur.timeline} → ${identity.timeline}): restored to a point in time or a promoted replica`;
  const renewed = await renewInstallation(
    db,
    why,
    sql`system_identifier = ${cur.systemIdentifier} and timeline is not distinct from ${cur.timeline}`,
  );
  const now = await getInstallation(db);
  log?.('installation id renewed: keys sent to ATOL and payment providers start anew', {
    previous: cur.id,
    id: now.id,
    why,
    byThisProcess: renewed !== null,
  });
  return now.id;
}
