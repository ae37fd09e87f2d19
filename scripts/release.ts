// `npm run release -- X.Y.Z`: freezes this release's migrations in server/db/releases/releases.json (with
// their hashes), sets package.json's version, dates CHANGELOG.md's Unreleased section, and says what is
// left to do by hand: the release's database fixture, the commit and the tag (docs/upgrades.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  checkReleasedMigrations,
  checkSchemaMatchesMigrations,
  MIGRATIONS_DIR,
  readJournal,
  readReleases,
  RELEASES_FILE,
  sha256,
} from '../server/db/migration-discipline.js';
import { withRelease } from '../server/db/releases.js';

const root = new URL('..', import.meta.url).pathname;
const version = process.argv[2] ?? '';
const date = new Date().toISOString().slice(0, 10);

const problems = [...checkReleasedMigrations(root), ...checkSchemaMatchesMigrations(root)];
if (problems.length > 0) {
  for (const p of problems) console.error(`release: ${p}`);
  process.exit(1);
}
const file = (path: string) => readFileSync(join(root, path));
const releases = withRelease(
  readReleases(root),
  readJournal(root),
  (tag) => ({
    sql: sha256(file(`${MIGRATIONS_DIR}/${tag}.sql`)),
    snapshot: sha256(file(`${MIGRATIONS_DIR}/meta/${tag.slice(0, 4)}_snapshot.json`)),
  }),
  version,
  date,
);
const manifest = JSON.parse(file(RELEASES_FILE).toString()) as { releases: unknown[] };
writeFileSync(join(root, RELEASES_FILE), `${JSON.stringify({ ...manifest, releases }, null, 2)}\n`);

const pkg = JSON.parse(file('package.json').toString()) as { version: string };
pkg.version = version;
writeFileSync(join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

const changelog = file('CHANGELOG.md').toString();
if (!changelog.includes('## [Unreleased]')) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
writeFileSync(
  join(root, 'CHANGELOG.md'),
  changelog.replace('## [Unreleased]', `## [Unreleased]\n\n## [${version}] - ${date}`),
);

const added = releases.at(-1)!.migrations.map((m) => m.tag);
console.log(`release ${version}: ${added.length} migrations frozen (${added.join(', ') || 'none'})`);
console.log('next:');
console.log('  1. read CHANGELOG.md: every change an operator must act on has an "Upgrading" note');
console.log(`  2. npm run release:fixture     (server/db/releases/${version}.sql.gz and its expectations)`);
console.log(`  3. git add -A && git commit -m "Release ${version}" && git tag -a v${version} -m "Abonent ${version}"`);
console.log('  4. set package.json to the next version with -dev (e.g. 1.2.0-dev) and commit');
