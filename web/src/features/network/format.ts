import './i18n';

import i18n from '../../i18n';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1 536 000 → "1,5 МБ" (binary multiples, one decimal from KB up, the language's decimal comma). */
export function bytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  const num = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'ru-RU', {
    maximumFractionDigits: u === 0 ? 0 : 1,
  }).format(v);
  return `${num} ${i18n.t(`net.units.${UNITS[u]}`)}`;
}

/** 3 700 s → "1 ч 1 мин". */
export function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? i18n.t('net.hm', { h, m }) : i18n.t('net.m', { m });
}

/** An ISO timestamp in the browser's time zone, "30.11.2026, 17:05". */
export function when(iso: string): string {
  return new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'ru-RU', {
    dateStyle: 'short',
    timeStyle: 'short',
  });
}

/** Acct-Terminate-Cause (RFC 2866 §5.10) in words; an unknown value is "other reason", never the raw name. */
export function cause(c: string | null): string {
  if (!c) return '';
  return i18n.exists(`net.causes.${c}`) ? i18n.t(`net.causes.${c}`) : i18n.t('net.causes.other');
}
