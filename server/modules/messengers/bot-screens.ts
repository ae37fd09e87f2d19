import { errorMessage, type Lang } from '../../../common/errors.js';
import { formatRubles, kopecksToDecimal } from '../../../common/money.js';
import { amountForMonths } from '../../../common/prepay.js';
import type { Overview } from '../cabinet/get-overview.js';
import { SBP_MAX_KOPECKS, SBP_MIN_KOPECKS } from '../payments/create-top-up.js';
import { day, money, TEXTS } from './bot-texts.js';
import type { ButtonSpec, Screen } from './messenger.js';

/**
 * The bot's screens drawn from data the use-cases return (no reading here): the main menu, the
 * cabinet's first page in short (balance, days left, plan — the overview's own figures), the top-up
 * amounts and methods, the promised payment, tickets. Button actions are short codes the handler reads back
 * (handle-event.ts); links open the portal.
 */
export interface Account {
  accountId: number;
  number: string;
}

export function welcomeScreen(lang: Lang, publicUrl: string, lead?: string): Screen {
  const t = TEXTS[lang];
  return {
    lines: [...(lead ? [lead] : []), t.welcome],
    buttons: [[{ label: t.openCabinet, url: `${publicUrl}/cabinet/notifications` }]],
  };
}

export function menuScreen(lang: Lang, current: Account, accounts: number, lead?: string): Screen {
  const t = TEXTS[lang];
  return {
    lines: [...(lead ? [lead, ''] : []), { bold: t.menuTitle(current.number) }, t.menuLead],
    buttons: [
      [
        { label: t.balance, action: 'b' },
        { label: t.topUp, action: 'p' },
      ],
      [
        { label: t.promised, action: 'pp' },
        { label: t.tickets, action: 't' },
      ],
      ...(accounts > 1 ? [[{ label: t.switchAccount, action: 'a' }]] : []),
      [{ label: t.unlink, action: 'u' }],
    ],
  };
}

const menuRow = (lang: Lang): ButtonSpec[] => [{ label: TEXTS[lang].menu, action: 'm' }];

/** What the cabinet's information block says first, in a few lines. */
export function balanceScreen(lang: Lang, o: Overview): Screen {
  const t = TEXTS[lang];
  const lines: Screen['lines'] = [{ bold: t.menuTitle(o.account) }, t.balanceLine(money(o.balance, lang))];
  if (o.daysLeft !== null) lines.push(t.daysLeft(o.daysLeft));
  lines.push(t.status(o.status));
  if (o.status === 'blocked' && o.amountToRestore > 0) lines.push(t.restore(money(o.amountToRestore, lang)));
  if (o.promised) lines.push(t.promisedActive(money(o.promised.amount, lang), day(o.promised.dueOn)));
  if (o.tariff)
    lines.push(t.tariff(lang === 'ru' ? o.tariff.nameRu : o.tariff.nameEn, money(o.tariff.monthlyFee, lang)));
  return { lines, buttons: [[{ label: t.topUp, action: 'p' }], menuRow(lang)] };
}

/** Round sums offered beside the account's own amounts (kopecks). */
const ROUND_SUMS = [500_00, 1_000_00, 2_000_00];

/**
 * Step one of a top-up: amounts as buttons — what restores service, the debt and a month, the debt and
 * three months (common/prepay.ts, the cabinet's "pay N months"), round sums — or an amount typed in the
 * chat (the handler waits for it). Each leads to `payScreen`.
 */
export function topUpScreen(lang: Lang, o: Overview): Screen {
  const t = TEXTS[lang];
  const debt = Math.max(0, -o.balance);
  const seen = new Set<number>();
  const button = (label: (m: string) => string, amount: number): ButtonSpec[] => {
    seen.add(amount);
    return [{ label: label(money(amount, lang)), action: `pa:${amount}` }];
  };
  const rows: ButtonSpec[][] = [];
  if (o.amountToRestore > 0) rows.push(button(t.payRestore, o.amountToRestore));
  if (o.monthlyFee > 0) {
    const one = amountForMonths(1, o.monthlyFee, o.balance);
    const three = amountForMonths(3, o.monthlyFee, o.balance);
    if (!seen.has(one)) rows.push(button(debt > 0 ? t.payMonthDebt : t.payMonth, one));
    rows.push(button((m) => (debt > 0 ? t.payMonthsDebt(3, m) : t.payMonths(3, m)), three));
  }
  const round = ROUND_SUMS.filter((x) => !seen.has(x)).map((x) => ({
    label: money(x, lang),
    action: `pa:${x}`,
  }));
  if (round.length) rows.push(round);
  rows.push(menuRow(lang));
  return { lines: [t.topUpLead(o.account)], buttons: rows };
}

/**
 * Step two: how to pay `amount` — each button opens the portal's payment page with the account, the
 * amount and the method filled in. SBP only where the account's region offers it and the amount is
 * within SBP's limits; the card always.
 */
export function payScreen(lang: Lang, p: { account: string; amount: number; sbp: boolean; publicUrl: string }): Screen {
  const t = TEXTS[lang];
  const link = (method: 'card' | 'sbp') =>
    `${p.publicUrl}/pay?account=${encodeURIComponent(p.account)}&amount=${kopecksToDecimal(p.amount)}&method=${method}&lang=${lang}`;
  const sbpFits = p.amount >= SBP_MIN_KOPECKS && p.amount <= SBP_MAX_KOPECKS;
  const lines: Screen['lines'] = [t.payHow(p.account, money(p.amount, lang))];
  if (p.sbp && !sbpFits) lines.push(errorMessage('sbp_amount_limit', SBP_LIMIT_TEXT, lang));
  return {
    lines,
    buttons: [
      [{ label: t.byCard, url: link('card') }],
      ...(p.sbp && sbpFits ? [[{ label: t.bySbp, url: link('sbp') }]] : []),
      [{ label: t.payOther, action: 'p' }, ...menuRow(lang)],
    ],
  };
}

const SBP_LIMIT_TEXT = {
  min: formatRubles(SBP_MIN_KOPECKS).replace(/\s?₽$/, ''),
  max: formatRubles(SBP_MAX_KOPECKS).replace(/\s?₽$/, ''),
};

export function promisedScreen(
  lang: Lang,
  p: {
    available: boolean;
    reason: string | null;
    reasonText: string | null;
    maxAmount: number;
    days: number;
    active: { amount: number; dueOn: string } | null;
  },
): Screen {
  const t = TEXTS[lang];
  if (p.active)
    return { lines: [t.promisedActive(money(p.active.amount, lang), day(p.active.dueOn))], buttons: [menuRow(lang)] };
  if (!p.available) return { lines: [t.promisedUnavailable(p.reasonText ?? '')], buttons: [menuRow(lang)] };
  return {
    lines: [t.promisedAvailable(money(p.maxAmount, lang), p.days)],
    buttons: [[{ label: t.promisedTake(money(p.maxAmount, lang)), action: `pt:${p.maxAmount}` }], menuRow(lang)],
  };
}

export function ticketsScreen(
  lang: Lang,
  tickets: { id: number; subject: string; status: string; unread: number }[],
): Screen {
  const t = TEXTS[lang];
  return {
    lines: [{ bold: t.ticketsTitle }, ...(tickets.length ? [] : [t.noTickets])],
    buttons: [
      ...tickets.map((x) => [
        { label: clip(t.ticketButton(x.id, x.subject, x.status, x.unread), 60), action: `t:${x.id}` },
      ]),
      [{ label: t.newTicket, action: 'tn' }],
      menuRow(lang),
    ],
  };
}

/** A ticket with its newest messages that fit one message (the rest is in the cabinet). */
export function ticketScreen(
  lang: Lang,
  tk: {
    id: number;
    subject: string;
    status: string;
    messages: { author: string; body: string; createdAt: string; attachments: unknown[] }[];
  },
  timeZone: string,
): Screen {
  const t = TEXTS[lang];
  const stamp = (iso: string) =>
    new Date(iso).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
      dateStyle: 'short',
      timeStyle: 'short',
      timeZone,
    });
  const blocks = tk.messages.map((m) =>
    [
      `${m.author === 'subscriber' ? t.you : t.support}, ${stamp(m.createdAt)}:`,
      ...(m.body ? [m.body] : []),
      ...(m.attachments.length ? [t.attached(m.attachments.length)] : []),
    ].join('\n'),
  );
  // Newest first into the budget, shown oldest first: a message is at most 4096 characters.
  const kept: string[] = [];
  let size = 0;
  for (const b of [...blocks].reverse()) {
    const piece = clip(b, 1500);
    if (size + piece.length > 3000) break;
    kept.unshift(piece);
    size += piece.length + 2;
  }
  const hasFiles = tk.messages.some((m) => m.author !== 'subscriber' && m.attachments.length > 0);
  return {
    lines: [
      { bold: t.ticketTitle(tk.id, tk.subject, tk.status) },
      ...(kept.length < blocks.length ? [t.earlier] : []),
      ...kept.flatMap((k) => ['', k]),
    ],
    buttons: [
      [{ label: t.reply, action: `tr:${tk.id}` }, ...(hasFiles ? [{ label: t.files, action: `tf:${tk.id}` }] : [])],
      [{ label: t.toTickets, action: 't' }, ...menuRow(lang)],
    ],
  };
}

export function topicsScreen(lang: Lang, topics: { id: number; nameRu: string; nameEn: string }[]): Screen {
  const t = TEXTS[lang];
  return {
    lines: [t.chooseTopic],
    buttons: [
      ...topics.map((c) => [{ label: clip(lang === 'ru' ? c.nameRu : c.nameEn, 60), action: `tc:${c.id}` }]),
      [{ label: t.back, action: 't' }],
    ],
  };
}

export function accountsScreen(lang: Lang, accounts: Account[], currentId: number): Screen {
  const t = TEXTS[lang];
  return {
    lines: [t.chooseAccount],
    buttons: [
      ...accounts.map((a) => [
        { label: `${a.accountId === currentId ? '✓ ' : ''}${a.number}`, action: `a:${a.accountId}` },
      ]),
      menuRow(lang),
    ],
  };
}

export function noteScreen(lang: Lang, lines: Screen['lines'], extra: ButtonSpec[][] = []): Screen {
  return { lines, buttons: [...extra, menuRow(lang)] };
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
