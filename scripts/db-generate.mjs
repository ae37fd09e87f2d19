// Until the first release, the schema is one squashed migration (0000_init): regenerate it from
// server/db/schema after any schema change. After the first release this becomes plain
// `drizzle-kit generate` with incremental migrations (see docs/decisions/0001-stack.md).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync(new URL('../server/db/migrations', import.meta.url), { recursive: true, force: true });
execFileSync('npx', ['drizzle-kit', 'generate', '--name', 'init'], { stdio: 'inherit' });
