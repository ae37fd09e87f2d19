import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './client.js';

describe('embedded database lock', () => {
  it('refuses a data directory that another live process holds, with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-lock-'));
    mkdirSync(dir, { recursive: true });
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'abonent.lock'), String(other.pid));
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by process \d+.*DATABASE_URL/);
    } finally {
      other.kill();
    }
  });

  it('takes over the stale lock of a process that died, and releases it on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-lock-'));
    writeFileSync(join(dir, 'abonent.lock'), '2147483646'); // no such pid
    const db = await openDatabase({ dataDir: dir });
    expect(existsSync(join(dir, 'abonent.lock'))).toBe(true);
    await db.close();
    expect(existsSync(join(dir, 'abonent.lock'))).toBe(false);
  });
});
