import { describe, expect, it } from 'vitest';

import { loadReleases, oldestCodeFor, type Release, withRelease } from './releases.js';

const r100: Release = {
  version: '1.0.0',
  date: '2026-12-07',
  migrations: [{ tag: '0000_init', when: 1, sql: 'a', snapshot: 'b' }],
};

describe('the release manifest', () => {
  it('lists release 1.0.0 with the baseline migration', () => {
    const releases = loadReleases();
    expect(releases[0]).toMatchObject({ version: '1.0.0', migrations: [{ tag: '0000_init' }] });
  });

  it('a release takes every migration not released before, with the hashes of the moment', () => {
    const journal = [
      { tag: '0000_init', when: 1 },
      { tag: '0001_tags', when: 2 },
      { tag: '0002_tags_index', when: 3 },
    ];
    const next = withRelease([r100], journal, (tag) => ({ sql: `sql-${tag}`, snapshot: `snap-${tag}` }), '1.1.0', 'd');
    expect(next[1]).toEqual({
      version: '1.1.0',
      date: 'd',
      migrations: [
        { tag: '0001_tags', when: 2, sql: 'sql-0001_tags', snapshot: 'snap-0001_tags' },
        { tag: '0002_tags_index', when: 3, sql: 'sql-0002_tags_index', snapshot: 'snap-0002_tags_index' },
      ],
    });
    expect(() => withRelease(next, journal, () => ({ sql: '', snapshot: '' }), '1.1.0', 'd')).toThrow(/not after/);
    expect(() => withRelease(next, journal, () => ({ sql: '', snapshot: '' }), '1.2.0-rc.1', 'd')).toThrow(
      /pre-release/,
    );
  });

  it('the code of release N runs on the schema of N+1, never N+2 (expand, then contract)', () => {
    const releases = withRelease(
      withRelease(
        [r100],
        [
          { tag: '0000_init', when: 1 },
          { tag: '0001_a', when: 2 },
        ],
        () => ({ sql: '', snapshot: '' }),
        '1.1.0',
        'd',
      ),
      [
        { tag: '0000_init', when: 1 },
        { tag: '0001_a', when: 2 },
        { tag: '0002_b', when: 3 },
      ],
      () => ({ sql: '', snapshot: '' }),
      '1.2.0',
      'd',
    );
    expect(oldestCodeFor('0000_init', releases)).toBe('1.0.0');
    expect(oldestCodeFor('0001_a', releases)).toBe('1.0.0');
    expect(oldestCodeFor('0002_b', releases)).toBe('1.1.0');
    // Not released yet: part of the next release, which the last one (1.2.0) may run beside.
    expect(oldestCodeFor('0003_c', releases)).toBe('1.2.0');
  });
});
