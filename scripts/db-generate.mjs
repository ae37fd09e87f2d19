// `npm run db:generate -- <name>`: a new incremental migration from the change in server/db/schema.
// Released migrations (server/db/releases/releases.json) are never edited; an unreleased one may be
// deleted (with its journal entry and snapshot) and generated again. Rules: docs/upgrades.md.
import { execFileSync } from 'node:child_process';

const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
  console.error('usage: npm run db:generate -- <name>   (snake_case, says what changes: add_account_tags)');
  process.exit(1);
}
execFileSync('npx', ['drizzle-kit', 'generate', '--name', name], { stdio: 'inherit' });
