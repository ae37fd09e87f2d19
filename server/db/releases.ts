import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import semver from 'semver';

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

/**
 * The manifest with release `version` added: every migration of the journal not in an earlier release,
 * with the hashes of its SQL and snapshot as they are now (`npm run release`, scripts/release.ts).
 */
export function withRelease(
  releases: Release[],
  journal: { tag: string; when: number }[],
  hashOf: (tag: string) => { sql: string; snapshot: string },
  version: string,
  date: string,
): Release[] {
  const last = releases.at(-1)?.version;
  if (last !== undefined && !semver.gt(version, last))
    throw new Error(`${version} is not after the last release ${last}`);
  if (semver.prerelease(version)) throw new Error(`${version} is a pre-release: a release is MAJOR.MINOR.PATCH`);
  const released = new Set(releases.flatMap((r) => r.migrations.map((m) => m.tag)));
  const migrations = journal
    .filter((e) => !released.has(e.tag))
    .map((e) => ({ tag: e.tag, when: e.when, ...hashOf(e.tag) }));
  return [...releases, { version, date, migrations }];
}
