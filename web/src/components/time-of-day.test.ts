import { describe, expect, it } from 'vitest';

import { parseTime } from './time-of-day';

describe('a typed time of day', () => {
  it('takes 24-hour hh:mm the ways people type it, and nothing that is not a time', () => {
    expect(parseTime('9:05')).toBe('09:05');
    expect(parseTime(' 19.45 ')).toBe('19:45');
    expect(parseTime('00:00')).toBe('00:00');
    expect(parseTime('23:59')).toBe('23:59');
    for (const bad of ['24:00', '12:60', '7 PM', '1230', '12:5', ''])
      expect({ bad, parsed: parseTime(bad) }).toEqual({ bad, parsed: null });
  });
});
