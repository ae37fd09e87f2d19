import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * deploy/backup/abonent-backup's decisions, the nightly job of docs/deploy.md ("Backups and restores"):
 * when a base backup is due, what the file copies hold, what is pruned by age, and that it fails while
 * WAL archiving fails. PostgreSQL's programs are stand-ins on PATH that answer as the real ones do for
 * what the script asks (psql's one-line answers, pg_dump's --file, pg_basebackup's tar format with a
 * backup_label); pg_archivecleanup and tar are the real ones. scripts/deploy-rehearsal.sh runs the same
 * job against a real cluster.
 */
const script = fileURLToPath(new URL('../deploy/backup/abonent-backup', import.meta.url));
const archiveCleanup = '/usr/bin/pg_archivecleanup';
const work = mkdtempSync(join(tmpdir(), 'abonent-backup-'));
const bin = join(work, 'bin');
const backup = join(work, 'backup');
const data = join(work, 'data');

const STANDINS: Record<string, string> = {
  psql: `#!/bin/sh
case "$*" in
  *pg_walfile_name*) echo "$FAKE_TIMELINE" ;;
  *pg_stat_archiver*) echo "$FAKE_ARCHIVER" ;;
  *) echo "unexpected psql $*" >&2; exit 1 ;;
esac`,
  pg_dump: `#!/bin/sh
[ -z "$FAKE_FAIL" ] || { echo "pg_dump: error: connection to server failed" >&2; exit 1; }
for a in "$@"; do case "$a" in --file=*) echo "dump of $PGDATABASE" >"\${a#--file=}" ;; esac; done`,
  pg_basebackup: `#!/bin/sh
[ -z "$FAKE_FAIL" ] || { echo "pg_basebackup: error: connection to server failed" >&2; exit 1; }
for a in "$@"; do case "$a" in --pgdata=*) dir=\${a#--pgdata=} ;; esac; done
mkdir -p "$dir/src" && cd "$dir/src"
printf 'START WAL LOCATION: 0/%s000028 (file 0000000%s00000000000000%s)\\nSTART TIMELINE: %s\\n' \\
  "$FAKE_START" "$FAKE_TIMELINE" "$FAKE_START" "$FAKE_TIMELINE" >backup_label
echo data >PG_VERSION
tar -czf ../base.tar.gz backup_label PG_VERSION && tar -czf ../pg_wal.tar.gz --files-from=/dev/null
cd .. && rm -rf src`,
};

interface Run {
  status: number | null;
  out: string;
}
function runBackup(env: Record<string, string> = {}): Run {
  const r = spawnSync('/bin/bash', [script], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      BACKUP_DIR: backup,
      DATA_DIR: data,
      PGDATABASE: 'abonent',
      FAKE_TIMELINE: '1',
      FAKE_START: '05',
      FAKE_ARCHIVER: 'on 12 0 f - 2026-12-07 03:00:00',
      ...env,
    },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}
const ls = (dir: string) => readdirSync(join(backup, dir)).sort();
const age = (path: string, days: number) => {
  const t = Date.now() / 1000 - days * 86_400;
  utimesSync(join(backup, path), t, t);
};
const tarList = (file: string) =>
  spawnSync('tar', ['-tzf', join(backup, 'files', file)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l && !l.endsWith('/'));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => {
  mkdirSync(bin);
  for (const [name, text] of Object.entries(STANDINS)) {
    writeFileSync(join(bin, name), `${text}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  mkdirSync(join(backup, 'wal'), { recursive: true });
  mkdirSync(join(data, 'support-files', 'ab'), { recursive: true });
  mkdirSync(join(data, 'radius-spool'));
  writeFileSync(join(data, 'support-files', 'ab', 'ab01'), 'attachment one');
  writeFileSync(join(data, 'radius-spool', 'accounting.1.aa.jsonl'), '{"record":1}\n');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!existsSync(archiveCleanup))('deploy/backup/abonent-backup', () => {
  const rel = (p: string) => p.replace(/^\//, '');

  it('first night: a dump, a base backup (none yet) with its backup_label, and a full copy of attachments and spool', () => {
    const r = runBackup();
    expect(r.out).toContain('backup done');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/base backup \(none yet\)/);
    expect(ls('dumps')).toEqual([`abonent-${new Date().toISOString().slice(0, 10)}.dump`]);
    const [base] = ls('base');
    expect(ls(`base/${base}`)).toEqual(['backup_label', 'base.tar.gz', 'pg_wal.tar.gz']);
    const full = ls('files').find((f) => f.endsWith('-full.tar.gz'))!;
    expect(full).toBe(`${base}-full.tar.gz`);
    expect(tarList(full)).toEqual(
      [join(data, 'radius-spool/accounting.1.aa.jsonl'), join(data, 'support-files/ab/ab01')].map(rel).sort(),
    );
  });

  it('the next night: no base backup, and only what changed since the full copy', () => {
    writeFileSync(join(data, 'support-files', 'ab', 'ab02'), 'attachment two');
    const r = runBackup();
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/base backup: not due/);
    expect(ls('base')).toHaveLength(1);
    const diff = ls('files').find((f) => f.includes('-diff-'))!;
    expect(diff).toContain(`-diff-${ls('base')[0]}.tar.gz`);
    expect(tarList(diff)).toEqual([rel(join(data, 'support-files/ab/ab02'))]);
  });

  it('a base backup (and a full copy) again once the newest is BASE_EVERY_DAYS old, and after a recovery changed the timeline', async () => {
    age(`base/${ls('base')[0]}`, 7);
    await wait(1100); // base backups are named to the second
    const byAge = runBackup({ FAKE_START: '09' });
    expect(byAge.status).toBe(0);
    expect(byAge.out).toMatch(/base backup \(the newest .* is 7 days old\)/);
    expect(ls('base')).toHaveLength(2);
    expect(ls('files').filter((f) => f.endsWith('-full.tar.gz'))).toHaveLength(2);

    await wait(1100);
    const afterRecovery = runBackup({ FAKE_TIMELINE: '2', FAKE_START: '0B' });
    expect(afterRecovery.status).toBe(0);
    expect(afterRecovery.out).toMatch(/base backup \(the server is on timeline 2 since a recovery/);
    expect(ls('base')).toHaveLength(3);
  });

  it('prunes by age: dumps and differences after KEEP_DAYS, base backups after BASE_KEEP_DAYS, WAL before the oldest base kept', async () => {
    const [oldest, middle] = ls('base');
    for (const f of [
      '000000010000000000000003',
      '000000010000000000000004',
      '000000010000000000000009',
      '00000002000000000000000B',
    ])
      writeFileSync(join(backup, 'wal', `${f}.gz`), '');
    writeFileSync(join(backup, 'wal', '00000002.history.gz'), '');
    writeFileSync(join(backup, 'dumps', 'abonent-2026-10-01.dump'), '');
    age('dumps/abonent-2026-10-01.dump', 40);
    age(`base/${oldest}`, 40);
    const oldFull = ls('files').find((f) => f.startsWith(oldest!) && f.endsWith('-full.tar.gz'))!;
    const oldDiff = ls('files').find((f) => f.includes(`-diff-${oldest}`))!;
    for (const f of [oldFull, oldDiff, oldFull.replace('.tar.gz', '.snar')]) age(`files/${f}`, 40);
    await wait(1100);
    const r = runBackup({ FAKE_TIMELINE: '2', FAKE_START: '0B' });
    expect(r.status).toBe(0);
    expect(ls('dumps')).not.toContain('abonent-2026-10-01.dump');
    expect(ls('base')).not.toContain(oldest);
    expect(ls('base')).toContain(middle);
    expect(ls('files')).not.toContain(oldFull);
    expect(ls('files')).not.toContain(oldDiff);
    // The oldest base kept started at segment …09: older segments of any timeline go, history files stay.
    expect(ls('wal')).toEqual(['000000010000000000000009.gz', '00000002.history.gz', '00000002000000000000000B.gz']);
    expect(r.out).toContain(`point-in-time recovery reaches back to base/${middle}`);
  });

  it('a night whose dump and base backup fail keeps the last good ones, however old, and fails', () => {
    for (const d of ['dumps', 'base', 'files']) for (const f of ls(d)) age(`${d}/${f}`, 400);
    const before = { dumps: ls('dumps'), base: ls('base') };
    const r = runBackup({ FAKE_TIMELINE: '2', FAKE_FAIL: '1' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('PROBLEM: pg_dump of abonent failed');
    expect(r.out).toContain('PROBLEM: pg_basebackup failed');
    expect(ls('dumps')).toEqual(before.dumps.slice(-1));
    expect(ls('base')).toEqual(before.base.slice(-1));
    expect(ls('base/' + before.base.at(-1)!)).toContain('base.tar.gz');
    // The newest full copy stays, with the night's difference against it.
    const full = ls('files').filter((f) => f.endsWith('-full.tar.gz'));
    expect(full).toHaveLength(1);
    expect(ls('files').some((f) => f.endsWith(`-diff-${full[0]!.replace('-full.tar.gz', '')}.tar.gz`))).toBe(true);
  });

  it('fails while WAL archiving fails or is off, after taking what it can', () => {
    for (const f of ls('dumps')) rmSync(join(backup, 'dumps', f));
    const failing = runBackup({
      FAKE_TIMELINE: '2',
      FAKE_ARCHIVER: 'on 12 3 t 00000002000000000000000C 2026-12-07 02:00:00',
    });
    expect(failing.status).toBe(1);
    expect(failing.out).toContain('WAL archiving is failing (last failure: 00000002000000000000000C; 3 failures');
    expect(ls('dumps')).toHaveLength(1);
    const off = runBackup({ FAKE_TIMELINE: '2', FAKE_ARCHIVER: 'off 0 0 f - never' });
    expect(off.status).toBe(1);
    expect(off.out).toContain("archive_mode is 'off'");
  });

  it('fails at once, taking nothing, when the backup directory does not exist', () => {
    const r = runBackup({ BACKUP_DIR: join(work, 'missing') });
    expect(r.status).toBe(1);
    expect(r.out).toContain('does not exist');
  });
});
