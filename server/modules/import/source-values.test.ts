import { describe, expect, it } from 'vitest';

import { parseCsv } from './csv-parse.js';
import { completeMapping, parseMapping, renderMapping, slug, transliterate } from './mapping.js';
import type { SourceCatalog } from './source.js';
import {
  normaliseSourcePhone,
  parseIpv4,
  parseSourceAmount,
  parseSourceDate,
  parseSourceTimestamp,
} from './source-values.js';
import { decodeBytes, repairMojibake } from './text-repair.js';

describe('money from a source', () => {
  it('reads decimal strings exactly, with a comma, spaces or up to nine decimals', () => {
    expect(parseSourceAmount('1500.50')).toEqual({ kopecks: 150_050, rounded: false });
    expect(parseSourceAmount('-250,75')).toEqual({ kopecks: -25_075, rounded: false });
    expect(parseSourceAmount('1 234 567.8')).toEqual({ kopecks: 123_456_780, rounded: false });
    expect(parseSourceAmount('.5')).toEqual({ kopecks: 50, rounded: false });
    expect(parseSourceAmount('700.250000')).toEqual({ kopecks: 70_025, rounded: false });
  });
  it('rounds fractions of a kopeck half away from zero and says so', () => {
    expect(parseSourceAmount('123.456789')).toEqual({ kopecks: 12_346, rounded: true });
    expect(parseSourceAmount('10.005000')).toEqual({ kopecks: 1_001, rounded: true });
    expect(parseSourceAmount('-10.005')).toEqual({ kopecks: -1_001, rounded: true });
    expect(parseSourceAmount('10.004999')).toEqual({ kopecks: 1_000, rounded: true });
  });
  it('refuses what is not an amount', () => {
    for (const v of ['12,5O', '1e3', 'сто', '', '-', '1.2.3', '12,50,1', 'NaN'])
      expect(parseSourceAmount(v), v).toBeNull();
  });
});

describe('values from a source', () => {
  it('phones become E.164 digits; a national number gets the source country', () => {
    expect(normaliseSourcePhone('8 (912) 345-67-89')).toBe('79123456789');
    expect(normaliseSourcePhone('+7 921 000-00-01')).toBe('79210000001');
    expect(normaliseSourcePhone('9123456789')).toBe('79123456789');
    expect(normaliseSourcePhone('+380 50 123 45 67')).toBe('380501234567');
    expect(normaliseSourcePhone('050 123 45 67', '380')).toBe('380501234567');
    expect(normaliseSourcePhone('050 123 45 67')).toBeNull();
    expect(normaliseSourcePhone('12-34')).toBeNull();
  });
  it('dates and times in the shapes old billings write, never a day that does not exist', () => {
    expect(parseSourceDate('2026-02-07')).toBe('2026-02-07');
    expect(parseSourceDate('15.03.2019')).toBe('2019-03-15');
    expect(parseSourceDate('31.02.2026')).toBeNull();
    expect(parseSourceDate('0000-00-00')).toBeNull();
    expect(parseSourceTimestamp('2026-01-05 10:00:00')).toBe('2026-01-05 10:00:00');
    expect(parseSourceTimestamp('2026-01-05')).toBe('2026-01-05 12:00:00');
    expect(parseSourceTimestamp('2026-01-05 25:00')).toBeNull();
  });
  it('IPv4 addresses only', () => {
    expect(parseIpv4(' 10.0.0.1 ')).toBe('10.0.0.1');
    for (const v of ['10.20.0.300', '10.0.0', '010.0.0.1', '::1']) expect(parseIpv4(v), v).toBeNull();
  });
});

describe('encodings', () => {
  const cp1251 = (s: string) => {
    const d = new TextDecoder('windows-1251');
    const m = new Map<string, number>();
    for (let b = 0; b < 256; b++) m.set(d.decode(Uint8Array.of(b)), b);
    return Uint8Array.from([...s].map((c) => m.get(c)!));
  };
  it('reads UTF-8 (with or without a BOM) and Windows-1251', () => {
    expect(decodeBytes(new TextEncoder().encode('Иванов'))).toEqual({ text: 'Иванов', repaired: null });
    expect(decodeBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('id')]))).toEqual({
      text: 'id',
      repaired: null,
    });
    expect(decodeBytes(cp1251('Петров Пётр'))).toEqual({ text: 'Петров Пётр', repaired: 'cp1251' });
  });
  it('turns back cp1251 that went through a latin1 connection, and leaves real Latin-1 names alone', () => {
    expect(repairMojibake('Ïåòðîâ Ï¸òð')).toEqual({ text: 'Петров Пётр', repaired: 'mojibake' });
    expect(repairMojibake('Müller Jürgen')).toEqual({ text: 'Müller Jürgen', repaired: null });
    expect(repairMojibake('Иванов')).toEqual({ text: 'Иванов', repaired: null });
    expect(repairMojibake('Smith')).toEqual({ text: 'Smith', repaired: null });
  });
});

describe('CSV', () => {
  it('reads ; or , separated files, quotes with separators, doubled quotes and line breaks, keeping line numbers', () => {
    const rows = parseCsv('id;name;note\r\n1;"Сидоров; Пётр ""Младший""";x\r\n\r\n2;"две\nстроки";y\r\n3;;\r\n');
    expect(rows).toEqual([
      { line: 1, fields: ['id', 'name', 'note'] },
      { line: 2, fields: ['1', 'Сидоров; Пётр "Младший"', 'x'] },
      { line: 4, fields: ['2', 'две\nстроки', 'y'] },
      { line: 6, fields: ['3', '', ''] },
    ]);
    expect(parseCsv('a,b\n1,2')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
    expect(() => parseCsv('a;b\n1;"open\n')).toThrow(/line 2/);
  });
});

describe('the mapping file', () => {
  const catalog: SourceCatalog = {
    areas: [{ key: 'Северск', name: 'Северск', subscribers: 3 }],
    plans: [
      {
        key: 'Домашний 100',
        name: 'Домашний 100',
        monthlyFee: '600',
        speedDownKbps: 100_000,
        speedUpKbps: 50_000,
        period: 'day',
        subscribers: 2,
      },
      {
        key: 'gold',
        name: 'gold',
        monthlyFee: '0',
        speedDownKbps: 0,
        speedUpKbps: 0,
        period: 'day',
        subscribers: 1,
        described: false,
      },
    ],
    addons: [{ key: 'tag:1', name: 'IPTV', monthlyFee: '150.00', subscribers: 1 }],
    nas: [{ key: '1', name: 'BRAS', address: '10.0.0.1', type: 'mikrotik', secret: null, area: null }],
    pools: [{ key: '1', name: 'Абоненты', first: '10.0.0.1', last: '10.0.0.254', area: null }],
  };
  it('gets a default entry for everything the source has, keeps what the operator wrote, and reads back', () => {
    const m = completeMapping({ source: 'ubilling', catalog, existing: { regions: [] } });
    expect(m.defaultRegion).toBe('main');
    expect(m.newRegions).toEqual([expect.objectContaining({ code: 'main', contractPrefix: '10' })]);
    expect(m.tariffs).toEqual([
      expect.objectContaining({
        from: 'Домашний 100',
        code: 'domashniy-100',
        nameEn: 'Domashniy 100',
        monthlyFee: 60_000,
      }),
      { from: 'gold', skip: true },
    ]);
    expect(m.nas).toEqual([expect.objectContaining({ from: '1', secret: '', vendor: 'mikrotik', region: 'main' })]);
    const text = renderMapping(m, catalog);
    expect(text).toContain('# Домашний 100: 600.00 a month, charged day by day; 2 subscribers');
    const edited = parseMapping(
      text.replace('secret: ""', 'secret: "s3cret"').replace('monthlyFee: "600.00"', 'monthlyFee: "650"'),
    );
    expect(edited.nas[0]).toMatchObject({ secret: 's3cret' });
    expect(edited.tariffs[0]).toMatchObject({ monthlyFee: 65_000 });
    // A later dry run keeps the operator's entries and adds only new keys.
    const more = { ...catalog, plans: [...catalog.plans, { ...catalog.plans[0]!, key: 'Новый', name: 'Новый' }] };
    const again = completeMapping({ source: 'ubilling', catalog: more, existing: { regions: [] }, given: edited });
    expect(again.tariffs[0]).toMatchObject({ monthlyFee: 65_000 });
    expect(again.tariffs.map((t) => t.from)).toEqual(['Домашний 100', 'gold', 'Новый']);
  });
  it('says where a mistake is', () => {
    expect(() => parseMapping('source: x\ntimeZone: Mars/Olympus\ndefaultRegion: main\nstaticIp: {}')).toThrow(
      expect.objectContaining({ code: 'import_mapping_invalid' }),
    );
    expect(() => parseMapping('{')).toThrow(expect.objectContaining({ code: 'import_mapping_invalid' }));
  });
  it('makes codes and English names from Russian plan names', () => {
    expect(transliterate('Безлимит 100 Щит')).toBe('Bezlimit 100 Shchit');
    expect(slug('Домашний  100!')).toBe('domashniy-100');
  });
});
