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
});
