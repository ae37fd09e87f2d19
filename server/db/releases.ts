import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The release manifest (server/db/releases/releases.json): which migrations each release shipped, with
 * their hashes. Released migrations are frozen (server/db/migration-discipline.ts); the migrator uses the
 * manifest to tell which code may run on a schema (docs/upgrades.md, "Expand, then contract").
 */
export interface ReleasedMigration {
  tag: string;
  when: number;
  /** SHA-256 of the .sql file (the same hash Drizzle records in __drizzle_migrations). */
  sql: string;
  /** SHA-256 of meta/NNNN_snapshot.json, which drizzle-kit diffs the schema against. */
  snapshot: string;
}

export interface Release {
  version: string;
  date: string;
  migrations: ReleasedMigration[];
}

export const RELEASES_PATH = fileURLToPath(new URL('./releases/releases.json', import.meta.url));

export function loadReleases(path = RELEASES_PATH): Release[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { releases: Release[] }).releases;
}

/**
 * The oldest code that may run on a schema whose newest migration is `tag`. A release's migrations only
 * add (expand) what the release before it does not read, and remove (contract) only what that release no
 * longer reads, so the code of release N runs on the schema of N+1 — never on N+2's. A migration not in
 * any release yet belongs to the next one.
 */
export function oldestCodeFor(tag: string, releases: Release[]): string {
  const i = releases.findIndex((r) => r.migrations.some((m) => m.tag === tag));
  if (i === -1) return releases.at(-1)!.version;
  return releases[Math.max(0, i - 1)]!.version;
}
