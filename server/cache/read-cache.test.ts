import { describe, expect, it, vi } from 'vitest';

import { ReadCache } from './read-cache.js';

describe('ReadCache', () => {
  it('serves a loaded value until its TTL, then loads again', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const cache = new ReadCache<string, number>(2_000);
      let loads = 0;
      const load = async () => ++loads;
      expect(await cache.getOrLoad('a', load)).toBe(1);
      expect(await cache.getOrLoad('a', load)).toBe(1);
      vi.advanceTimersByTime(2_001);
      expect(await cache.getOrLoad('a', load)).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never serves past the value’s own end (a session that expires sooner than the TTL)', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const cache = new ReadCache<string, { ends: number }>(60_000);
      let loads = 0;
      const load = async () => ({ ends: Date.now() + 500, n: ++loads });
      await cache.getOrLoad('s', load, (v) => v.ends);
      vi.advanceTimersByTime(501);
      await cache.getOrLoad('s', load, (v) => v.ends);
      expect(loads).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not store what a load read before a clear (the change it missed stays visible)', async () => {
    const cache = new ReadCache<string, string>(60_000);
    let release!: () => void;
    const slow = cache.getOrLoad('k', () => new Promise<string>((r) => (release = () => r('old'))));
    cache.clear(); // a write committed while the read was in flight
    release();
    expect(await slow).toBe('old'); // the in-flight caller gets what it read…
    expect(await cache.getOrLoad('k', async () => 'new')).toBe('new'); // …but nobody after it
  });

  it('does not cache misses, is off at TTL 0 and while disabled, and stays within its size', async () => {
    const cache = new ReadCache<number, string>(60_000, 3);
    expect(await cache.getOrLoad(1, async () => undefined)).toBeUndefined();
    expect(cache.size).toBe(0);
    for (const k of [1, 2, 3, 4]) await cache.getOrLoad(k, async () => `v${k}`);
    expect(cache.size).toBeLessThanOrEqual(3);

    cache.setEnabled(false);
    let loads = 0;
    await cache.getOrLoad(9, async () => `x${++loads}`);
    await cache.getOrLoad(9, async () => `x${++loads}`);
    expect(loads).toBe(2);

    const off = new ReadCache<number, string>(0);
    await off.getOrLoad(1, async () => 'a');
    expect(off.size).toBe(0);
  });

  it('shares one load between concurrent misses of a key, and not across keys', async () => {
    const cache = new ReadCache<string, string>(60_000);
    const loads: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = (k: string) => async () => {
      loads.push(k);
      await gate;
      return `v-${k}`;
    };
    const asked = [cache.getOrLoad('a', load('a')), cache.getOrLoad('a', load('a')), cache.getOrLoad('b', load('b'))];
    release();
    expect(await Promise.all(asked)).toEqual(['v-a', 'v-a', 'v-b']);
    expect(loads).toEqual(['a', 'b']);
    expect(await cache.getOrLoad('a', load('a'))).toBe('v-a'); // stored: no third load
    expect(loads).toEqual(['a', 'b']);
  });

  it('does not let a request after a clear wait for a load started before it', async () => {
    const cache = new ReadCache<string, string>(60_000);
    let release!: () => void;
    const before = cache.getOrLoad('k', () => new Promise<string>((r) => (release = () => r('before'))));
    cache.clear(); // a change committed while the first read was in flight
    const after = cache.getOrLoad('k', async () => 'after');
    release();
    expect(await before).toBe('before');
    expect(await after).toBe('after');
    expect(await cache.getOrLoad('k', async () => 'again')).toBe('after');
  });

  it('a failed load fails its waiters, and the next miss loads again', async () => {
    const cache = new ReadCache<string, string>(60_000);
    let fail!: (e: Error) => void;
    const first = cache.getOrLoad('k', () => new Promise<string>((_r, reject) => (fail = reject)));
    const joined = cache.getOrLoad('k', async () => 'unused');
    fail(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await expect(joined).rejects.toThrow('database down');
    expect(await cache.getOrLoad('k', async () => 'up')).toBe('up');
    // A load that throws before its first await is forgotten too.
    const broken = () => {
      throw new Error('sync');
    };
    await expect(cache.getOrLoad('s', broken)).rejects.toThrow('sync');
    expect(await cache.getOrLoad('s', async () => 'fine')).toBe('fine');
  });

  it('shares nothing while disabled (a change elsewhere could go unnoticed)', async () => {
    const cache = new ReadCache<string, number>(60_000);
    cache.setEnabled(false);
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async () => {
      loads++;
      await gate;
      return loads;
    };
    const both = Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    release();
    await both;
    expect(loads).toBe(2);
    const broken = () => {
      throw new Error('sync');
    };
    await expect(cache.getOrLoad('s', broken)).rejects.toThrow('sync');
  });
});
