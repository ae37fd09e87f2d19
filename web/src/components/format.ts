import { formatRubles } from '@common/money';

import i18n from '../i18n';

export const rub = (kopecks: number) => formatRubles(kopecks, i18n.language === 'en' ? 'en' : 'ru');

/** 88005559167 → "8 800 555 91 67"; 79211234567 → "+7 921 123-45-67". */
export function phone(p: string): string {
  if (/^8800\d{7}$/.test(p)) return `8 800 ${p.slice(4, 7)} ${p.slice(7, 9)} ${p.slice(9)}`;
  if (/^7\d{10}$/.test(p)) return `+7 ${p.slice(1, 4)} ${p.slice(4, 7)}-${p.slice(7, 9)}-${p.slice(9)}`;
  return p;
}

export function date(day: string): string {
  const [y, m, d] = day.split('-');
  return i18n.language === 'en' ? `${y}-${m}-${d}` : `${d}.${m}.${y}`;
}

/** Name in the current language from a {nameRu, nameEn} record. */
export const localName = (x: { nameRu: string; nameEn: string }) => (i18n.language === 'en' ? x.nameEn : x.nameRu);

/** Description in the current language from a {descriptionRu, descriptionEn} record. */
export const localDescription = (x: { descriptionRu: string; descriptionEn: string }) =>
  i18n.language === 'en' ? x.descriptionEn : x.descriptionRu;
