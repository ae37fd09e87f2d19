import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadReleases, type Release } from './releases.js';

/**
 * The rules every schema change follows from release 1.0.0 on (docs/upgrades.md), checked by
 * `npm run check` (scripts/check-migrations.ts): a released migration is never edited, deleted or
 * reordered; the migrations produce exactly what server/db/schema describes; and every migration after
 * the baseline passes squawk, the PostgreSQL migration linter (no table rewrites, blocking locks on
 * existing tables, drops or renames of what the previous release still reads).
 * Each function takes the project root, so a test can run it on a temporary copy.
 */
export const MIGRATIONS_DIR = 'server/db/migrations';
export const RELEASES_FILE = 'server/db/releases/releases.json';

export interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export const readReleases = (root: string): Release[] => loadReleases(join(root, RELEASES_FILE));

export function readJournal(root: string): JournalEntry[] {
  const j = JSON.parse(readFileSync(join(root, MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return j.entries.map((e) => ({ idx: e.idx, when: Number(e.when), tag: e.tag }));
}

const snapshotFile = (tag: string) => `meta/${tag.slice(0, 4)}_snapshot.json`;

/** Released migrations unchanged, in their place; every journal entry has its file and comes later in time. */
export function checkReleasedMigrations(root: string): string[] {
  const dir = join(root, MIGRATIONS_DIR);
  const problems: string[] = [];
  const journal = readJournal(root);
  const released = readReleases(root).flatMap((r) => r.migrations.map((m) => ({ ...m, version: r.version })));
  const fix =
    'a released migration is never changed: revert it and add a new migration (npm run db:generate -- <name>)';
  released.forEach((m, i) => {
    const entry = journal[i];
    if (entry?.tag !== m.tag || entry.when !== m.when)
      problems.push(`${m.tag} (released in ${m.version}): its journal entry was changed, removed or moved; ${fix}`);
    for (const [file, hash] of [
      [`${m.tag}.sql`, m.sql],
      [snapshotFile(m.tag), m.snapshot],
    ] as const) {
      const path = join(dir, file);
      if (!existsSync(path)) problems.push(`${file} (released in ${m.version}) was deleted; ${fix}`);
      else if (sha256(readFileSync(path)) !== hash)
        problems.push(`${file} (released in ${m.version}) was edited; ${fix}`);
    }
  });
  for (let i = 1; i < journal.length; i++) {
    if (journal[i]!.when <= journal[i - 1]!.when)
      problems.push(
        `${journal[i]!.tag}: its journal time is not after ${journal[i - 1]!.tag}'s (migrations apply in order)`,
      );
  }
  const sqlFiles = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  for (const f of sqlFiles)
    if (!journal.some((e) => `${e.tag}.sql` === f))
      problems.push(`${f} is not in meta/_journal.json: it would never run`);
  for (const e of journal)
    if (!sqlFiles.includes(`${e.tag}.sql`)) problems.push(`${e.tag}.sql is in the journal but missing`);
  return problems;
}

/**
 * Whether server/db/schema and the migrations describe the same database: drizzle-kit generates into a
 * scratch copy of the migrations; any file it writes is a difference.
 */
export function checkSchemaMatchesMigrations(root: string): string[] {
  const scratch = `tmp/migration-check-${process.pid}`;
  const config = join(root, `${scratch}.config.ts`);
  rmSync(join(root, scratch), { recursive: true, force: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  cpSync(join(root, MIGRATIONS_DIR), join(root, scratch), { recursive: true });
  writeFileSync(
    config,
    `import { defineConfig } from 'drizzle-kit';\n` +
      `export default defineConfig({ dialect: 'postgresql', schema: './server/db/schema/index.ts', out: './${scratch}' });\n`,
  );
  try {
    const before = new Set(readdirSync(join(root, scratch)));
    const r = spawnSync(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--config', config], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) return [`drizzle-kit generate failed: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`];
    const made = readdirSync(join(root, scratch)).filter((f) => f.endsWith('.sql') && !before.has(f));
    if (made.length === 0) return [];
    const diff = readFileSync(join(root, scratch, made[0]!), 'utf8')
      .split('\n')
      .slice(0, 8)
      .join('\n  ');
    return [
      `server/db/schema differs from the migrations; make a migration with npm run db:generate -- <name>. It would start:\n  ${diff}`,
    ];
  } finally {
    rmSync(join(root, scratch), { recursive: true, force: true });
    rmSync(config, { force: true });
  }
}

/** squawk over every migration after the baseline (the first one, which creates the schema from nothing). */
export function lintMigrations(root: string, squawk = join(root, 'node_modules/.bin/squawk')): string[] {
  const journal = readJournal(root);
  const files = journal.slice(1).map((e) => join(MIGRATIONS_DIR, `${e.tag}.sql`));
  if (files.length === 0) return [];
  const r = spawnSync(squawk, ['--config', join(root, '.squawk.toml'), '--reporter', 'gcc', ...files], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status === 0) return [];
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 ? lines : [`squawk exited ${r.status}`];
}
