import { describe, expect, it } from 'vitest';

import { sanitizeFileName } from './sanitize-file-name.js';

describe('sanitizeFileName', () => {
  it('keeps only the last path segment, safe characters, and the extension of the real type', () => {
    expect(sanitizeFileName('../../etc/passwd.jpg', 'image/jpeg')).toBe('passwd.jpg');
    expect(sanitizeFileName('C:\\Users\\Иван\\Desktop\\счёт.png', 'application/pdf')).toBe('счёт.pdf');
    expect(sanitizeFileName('a\u0000b\u202Egpj.exe', 'image/png')).toBe('a_b_gpj.png');
    expect(sanitizeFileName('..', 'image/jpeg')).toBe('file.jpg');
    expect(sanitizeFileName('  .hidden  ', 'image/webp')).toBe('hidden.webp');
    expect(sanitizeFileName('x'.repeat(300), 'image/jpeg')).toHaveLength(104);
    expect(sanitizeFileName('a;b%c"d.jpg', 'image/jpeg')).toBe('a_b_c_d.jpg');
  });
});
