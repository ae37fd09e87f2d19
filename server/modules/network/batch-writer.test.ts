import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { BatchWriter } from './batch-writer.js';
import { Spool } from './spool.js';

/** The post-auth log's writer: records nobody waits on are gathered into few statements, and none is lost. */
function writer(write: (r: number[]) => Promise<void>, lingerMs: number) {
  const spool = new Spool<number>(mkdtempSync(join(tmpdir(), 'abonent-bw-')), 'test');
  return {
    spool,
    w: new BatchWriter<number>({ name: 'test', spool, write, lingerMs, writeTimeoutMs: 200, retryMs: 50 }),
  };
}

describe('batch writer', () => {
  it('gathers logged records for lingerMs into one statement, and close() writes what is still queued', async () => {
    const batches: number[][] = [];
    const { w } = writer(async (r) => void batches.push([...r]), 30);
    for (let i = 0; i < 50; i++) w.log(i);
    expect(batches).toEqual([]); // nothing written before the linger ends
    await new Promise((r) => setTimeout(r, 150));
    expect(batches).toEqual([Array.from({ length: 50 }, (_, i) => i)]);
    w.log(50);
    w.log(51);
    await w.close();
    expect(batches.flat()).toEqual(Array.from({ length: 52 }, (_, i) => i));
  });

  it('spools logged records while the database fails, then writes them when it is back', async () => {
    let up = false;
    const written: number[] = [];
    const { w, spool } = writer(async (r) => {
      if (!up) throw new Error('database down');
      written.push(...r);
    }, 10);
    for (let i = 0; i < 5; i++) w.log(i);
    const deadline = Date.now() + 5_000;
    while (!(await spool.hasBacklog()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await spool.hasBacklog()).toBe(true);
    expect(written).toEqual([]);
    up = true;
    // The writer drains its spool in the background once the database answers again.
    while (written.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await w.close();
    expect(written.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    expect(await spool.hasBacklog()).toBe(false);
  });
});
