import '@mantine/dates/styles.css';
import 'dayjs/locale/ru';

import { isValidDay } from '@common/dates';
import { DateInput } from '@mantine/dates';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Every date field of the app (decision 0018): a day written the way the page's language writes it —
 * dd.mm.yyyy in Russian, the app's yyyy-mm-dd in English (components/format.ts `date()`), whatever the
 * browser's own locale — typed or picked from a calendar in that language. The value is the API's
 * `YYYY-MM-DD` ('' when empty). Imported only by the cabinet's and back office's lazy chunks, so
 * @mantine/dates and dayjs never load with the sign-in page.
 */
const FORMAT = { ru: 'DD.MM.YYYY', en: 'YYYY-MM-DD' } as const;
const PLACEHOLDER = { ru: 'дд.мм.гггг', en: 'yyyy-mm-dd' } as const;
const PATTERN = {
  ru: /^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$/,
  en: /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/,
} as const;

/** A typed day in the language's own format → `YYYY-MM-DD`, or null while it is not a whole real day. */
export function parseDay(text: string, lang: 'ru' | 'en'): string | null {
  const m = PATTERN[lang].exec(text);
  if (!m) return null;
  const [y, mo, d] = lang === 'ru' ? [m[3]!, m[2]!, m[1]!] : [m[1]!, m[2]!, m[3]!];
  const day = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isValidDay(day) ? day : null;
}

export function DateField(props: {
  label: ReactNode;
  value: string;
  onChange: (day: string) => void;
  /** The first and last day that may be chosen (`YYYY-MM-DD`). */
  min?: string;
  max?: string;
  required?: boolean;
  name?: string;
  miw?: number;
  w?: number | string;
}) {
  const { i18n, t } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'ru';
  return (
    <DateInput
      label={props.label}
      value={props.value || null}
      onChange={(v) => props.onChange(v ?? '')}
      locale={lang}
      valueFormat={FORMAT[lang]}
      dateParser={(text) => parseDay(text, lang)}
      placeholder={PLACEHOLDER[lang]}
      minDate={props.min}
      maxDate={props.max}
      required={props.required}
      clearable={!props.required}
      clearButtonProps={{ 'aria-label': t('date.clear') }}
      name={props.name}
      miw={props.miw}
      w={props.w}
      autoComplete="off"
      popoverProps={{ withinPortal: true }}
    />
  );
}
