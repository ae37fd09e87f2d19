import { createHash } from 'node:crypto';

import type { Lang } from '../../../common/errors.js';
import { formatRubles } from '../../../common/money.js';

const T = {
  ru: {
    title: 'Тестовый эквайер: оплата картой',
    amount: 'Сумма',
    number: 'Номер карты',
    expiry: 'Срок (ММ/ГГ)',
    cvc: 'CVC',
    holder: 'Владелец карты',
    pay: 'Оплатить',
    note: 'Тестовые карты: 4111 1111 1111 1111 — успех, 4000 0000 0000 0002 — отказ, 4000 0000 0000 3220 — 3-D Secure. PIN-код никогда не запрашивается.',
    tds: 'Подтверждение 3-D Secure',
    code: 'Код из SMS (тест: 123456)',
    confirm: 'Подтвердить',
    done: 'Платёж обработан',
    back: 'Вернуться в магазин',
  },
  en: {
    title: 'Test acquirer: card payment',
    amount: 'Amount',
    number: 'Card number',
    expiry: 'Expiry (MM/YY)',
    cvc: 'CVC',
    holder: 'Cardholder',
    pay: 'Pay',
    note: 'Test cards: 4111 1111 1111 1111 succeeds, 4000 0000 0000 0002 declines, 4000 0000 0000 3220 asks for 3-D Secure. A PIN is never asked.',
    tds: '3-D Secure confirmation',
    code: 'SMS code (test: 123456)',
    confirm: 'Confirm',
    done: 'Payment processed',
    back: 'Back to the shop',
  },
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font:16px system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#111}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}
.err{color:#a00;font-weight:600}.note{color:#444;font-size:.9rem}`;

/** The page's one <style> element, for its Content-Security-Policy (the style is allowed by its hash). */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><h1>${esc(title)}</h1>${body}</body></html>`;
}

export function renderCardForm(lang: Lang, o: { id: string; amount: number; error?: string }): string {
  const t = T[lang];
  return page(
    lang,
    t.title,
    `<p>${t.amount}: <strong>${esc(formatRubles(o.amount, lang))}</strong></p>
${o.error ? `<p class="err" role="alert">${esc(o.error)}</p>` : ''}
<form method="post" action="/pay/test-acquirer/${esc(o.id)}?lang=${lang}">
<label for="number">${t.number}</label><input id="number" name="number" inputmode="numeric" autocomplete="cc-number" required>
<label for="expiry">${t.expiry}</label><input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="12/30" required>
<label for="cvc">${t.cvc}</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required>
<label for="holder">${t.holder}</label><input id="holder" name="holder" autocomplete="cc-name" required>
<button type="submit">${t.pay}</button></form><p class="note">${t.note}</p>`,
  );
}

export function renderThreeDs(lang: Lang, o: { id: string; error?: string }): string {
  const t = T[lang];
  return page(
    lang,
    t.tds,
    `${o.error ? `<p class="err" role="alert">${esc(o.error)}</p>` : ''}
<form method="post" action="/pay/test-acquirer/${esc(o.id)}/3ds?lang=${lang}">
<label for="code">${t.code}</label><input id="code" name="code" inputmode="numeric" required>
<button type="submit">${t.confirm}</button></form>`,
  );
}

export function renderDone(lang: Lang, returnUrl: string): string {
  const t = T[lang];
  return page(lang, t.done, `<p><a href="${esc(returnUrl)}">${t.back}</a></p>`);
}
