import { describe, expect, it } from 'vitest';

import { uuid7 } from './uuid7.js';

describe('uuid7', () => {
  it('is a version 7, variant 10 UUID carrying its millisecond, ordered by time', () => {
    const at = Date.UTC(2026, 11, 1, 3, 45, 6, 789);
    const id = uuid7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);

    const ids = Array.from({ length: 2000 }, (_, i) => uuid7(at + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 5000 }, () => uuid7(at))).size).toBe(5000);
  });
});
