// `npm run check` step: released migrations unchanged, schema and migrations agree, migrations linted
// by squawk (server/db/migration-discipline.ts, docs/upgrades.md). Exit 1 with every problem listed.
import {
  checkReleasedMigrations,
  checkSchemaMatchesMigrations,
  lintMigrations,
} from '../server/db/migration-discipline.js';

const root = new URL('..', import.meta.url).pathname;
const problems = [...checkReleasedMigrations(root), ...checkSchemaMatchesMigrations(root), ...lintMigrations(root)];
for (const p of problems) console.error(`migrations: ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
