import type { TFunction } from 'i18next';

import i18n from '../../i18n';
import type { Names } from './api';

/** "25 минут", "2 часа", "3 дня" — a wait in words, never a bare number. */
export function duration(t: TFunction, minutes: number): string {
  if (minutes < 60) return t('support.duration.min', { count: Math.max(1, Math.round(minutes)) });
  if (minutes < 48 * 60) return t('support.duration.hour', { count: Math.round(minutes / 60) });
  return t('support.duration.day', { count: Math.round(minutes / 1440) });
}

export const dateTime = (iso: string) =>
  new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'ru-RU', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

export const names = (x: Names) => (i18n.language === 'en' ? x.nameEn : x.nameRu);

export function fileSize(bytes: number): string {
  const ru = i18n.language !== 'en';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} ${ru ? 'КБ' : 'KB'}`;
  const mb = Math.round((bytes / 1024 / 1024) * 10) / 10;
  return `${String(mb).replace('.', ru ? ',' : '.')} ${ru ? 'МБ' : 'MB'}`;
}

export const STATUS_COLORS = { new: 'blue', in_progress: 'yellow', waiting: 'grape', closed: 'gray' } as const;
