import { declineRule } from '@common/decline-reasons';

/** Why a payment was declined, in the reader's language (the same words as the notices). */
export function declineWords(reason: string, lang: string): string {
  const r = declineRule(reason);
  return lang === 'en' ? r.en : r.ru;
}
