import { describe, expect, it } from 'vitest';

import { csvNumber, csvText } from './csv.js';

describe('CSV cells', () => {
  it('turns text a spreadsheet would run as a formula into plain text', () => {
    for (const v of ['=HYPERLINK("http://evil","x")', '+7 911', '-2+3', '@SUM(A1)', '\tx', '\rx'])
      expect(csvText(v).replace(/^"/, '')).toMatch(/^'/);
    expect(csvText('=1;2')).toBe(`"'=1;2"`);
    expect(csvText('Оплата в офисе')).toBe('Оплата в офисе');
    expect(csvText('a "b"; c')).toBe('"a ""b""; c"');
  });

  it('keeps our own numbers as numbers, negative ones too', () => {
    expect(csvNumber('-150.00')).toBe('-150.00');
    expect(() => csvNumber('=1+1')).toThrow();
  });
});
