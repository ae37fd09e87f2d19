import type { Lang } from './errors.js';

/** The caller's language: `?lang=`, then the `lang` cookie, then Accept-Language; Russian by default. */
export function pickLang(opts: { query?: unknown; cookie?: string; acceptLanguage?: string }): Lang {
  const q = (opts.query as { lang?: unknown } | undefined)?.lang;
  if (q === 'en' || q === 'ru') return q;
  if (opts.cookie === 'en' || opts.cookie === 'ru') return opts.cookie;
  const al = (opts.acceptLanguage ?? '').trim().toLowerCase();
  return al.startsWith('en') ? 'en' : 'ru';
}
