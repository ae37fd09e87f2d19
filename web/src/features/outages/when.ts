import i18n from '../../i18n';

/** A moment in a region's time zone, as the notices write it: 05.03.2027, 18:30 / 5 Mar 2027, 18:30. */
export function whenIn(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'ru-RU', {
    timeZone,
    day: '2-digit',
    month: i18n.language === 'en' ? 'short' : '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A moment for an <input type="datetime-local"> in the browser's time (YYYY-MM-DDTHH:mm). */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The value of a datetime-local input as ISO 8601 with the offset (what the API takes). */
export function fromLocalInput(v: string): string {
  return new Date(v).toISOString();
}
