import { describe, expect, it } from 'vitest';

import { passwordProblems } from './password-rules.js';

describe('password rules', () => {
  it('accepts a decent password', () => {
    expect(passwordProblems('Vesna2026-sad', { login: '110000015' })).toEqual([]);
    expect(passwordProblems('весна2026')).toEqual([]); // Cyrillic letters count as letters
  });
  it('names every problem', () => {
    expect(passwordProblems('abc')).toEqual(['too_short', 'needs_digit']);
    expect(passwordProblems('12345678')).toEqual(['needs_letter', 'too_common']);
    expect(passwordProblems('x110000015', { login: '110000015' })).toEqual(['is_login']);
    expect(passwordProblems('Password123')).toEqual(['too_common']);
  });
});
