import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An append-only spool of records that could not be written to the database (docs/network.md,
 * "When the database is unreachable"). Each append is one fsync'ed write of JSON lines, so a record
 * acknowledged to FreeRADIUS survives a crash of this process.
 *
 * Files: `<name>.<pid>.<rand>.jsonl`, appended to by process <pid> only. Draining renames a file to
 * `….jsonl.draining-<pid>` first, so of several processes sharing the directory one takes each file,
 * and files left by a process that died are taken by whoever drains next.
 */
export class Spool<T> {
  private current: string;
  private appending: Promise<void> = Promise.resolve();
  private appended = 0;
  private readonly pattern: RegExp;

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.current = this.newFile();
    this.pattern = new RegExp(`^(${name.replace(/\W/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]+\\.jsonl)(?:\\.draining-(\\d+))?$`);
  }

  /** Records this process appended since its last drain began. */
  get size(): number {
    return this.appended;
  }

  private newFile() {
    return join(this.dir, `${this.name}.${process.pid}.${randomBytes(4).toString('hex')}.jsonl`);
  }

  /** Appends records durably: written and fsync'ed before it resolves. Appends run one at a time. */
  append(records: T[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const run = this.appending.then(async () => {
      const fh = await open(this.current, 'a', 0o600);
      try {
        await fh.appendFile(text, 'utf8');
        await fh.datasync();
      } finally {
        await fh.close();
      }
      this.appended += records.length;
    });
    this.appending = run.catch(() => {});
    return run;
  }

  /**
   * Hands every spooled record (this process's, and any left by processes that died) to `write` in
   * chunks; a file is deleted only after all its records were written. A failed write throws and
   * leaves the file for the next drain — records must be written idempotently. Returns the count.
   */
  async drain(write: (records: T[]) => Promise<void>, chunk = 1000): Promise<number> {
    await this.appending;
    this.current = this.newFile(); // appends from now on go to a file this drain leaves alone
    this.appended = 0;
    let written = 0;
    for (const f of await readdir(this.dir)) {
      const m = this.pattern.exec(f);
      if (!m) continue;
      const path = join(this.dir, f);
      if (path === this.current) continue;
      const owner = Number(m[2]);
      const drainer = m[3] ? Number(m[3]) : null;
      const claimable =
        drainer === null ? owner === process.pid || !isAlive(owner) : drainer === process.pid || !isAlive(drainer);
      if (!claimable) continue;
      const claimed = join(this.dir, `${m[1]}.draining-${process.pid}`);
      if (claimed !== path) {
        try {
          await rename(path, claimed);
        } catch {
          continue; // another process took it first
        }
      }
      const records: T[] = [];
      for (const line of (await readFile(claimed, 'utf8')).split('\n')) {
        if (line.trim() === '') continue;
        try {
          records.push(JSON.parse(line) as T);
        } catch {
          // A torn last line from a crash mid-write: that record was never acknowledged.
        }
      }
      for (let i = 0; i < records.length; i += chunk) await write(records.slice(i, i + chunk));
      await unlink(claimed);
      written += records.length;
    }
    return written;
  }

  /** Whether anything waits to be drained (this process's records, or files of dead processes). */
  async hasBacklog(): Promise<boolean> {
    await this.appending;
    if (this.appended > 0) return true;
    for (const f of await readdir(this.dir)) {
      const m = this.pattern.exec(f);
      if (!m || join(this.dir, f) === this.current) continue;
      const who = Number(m[3] ?? m[2]);
      if (who === process.pid || !isAlive(who)) return true;
    }
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
