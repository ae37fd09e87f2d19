import { sql } from 'drizzle-orm';

import { AppError, errorMessage, type Lang } from '../../../common/errors.js';
import { parsePaymentAmount, validatePaymentAmount } from '../../../common/payment-amount.js';
import { PROMISED_REASON_TEXT } from '../../../common/promised-reasons.js';
import type { Config } from '../../config.js';
import { type Db, queryRows } from '../../db/client.js';
import { getOverview } from '../cabinet/get-overview.js';
import { getPromisedPayment, takePromisedPayment } from '../payments/promised-payment.js';
import { listRegionCategories } from '../support/list-categories.js';
import { listMyTickets } from '../support/list-my-tickets.js';
import { showMyTicket } from '../support/show-my-ticket.js';
import {
  type Account,
  accountsScreen,
  balanceScreen,
  menuScreen,
  noteScreen,
  payScreen,
  promisedScreen,
  ticketScreen,
  ticketsScreen,
  topicsScreen,
  topUpScreen,
  welcomeScreen,
} from './bot-screens.js';
import { day, money, TEXTS } from './bot-texts.js';
import { linkChat } from './link-chat.js';
import type { BotAnswer, IncomingEvent, MessengerChannel } from './messenger.js';
import { type ChatRow, takeUpdate } from './take-update.js';
import { supportAnswerFiles, ticketFromChat } from './ticket-from-chat.js';
import { unlinkChat } from './unlink-chat.js';

/** Which ways to pay the account's region offers (payments/get-provider.ts paymentOptions). */
export type PaymentMethodsOf = (accountId: number) => Promise<{ card: boolean; sbp: boolean }>;

export interface BotContext {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'supportFilesDir'>;
  channel: MessengerChannel;
  paymentMethods: PaymentMethodsOf;
}

/** The chat's accounts, the current one (with its language and region's time zone). */
interface ChatAccounts {
  accounts: Account[];
  current: (Account & { lang: Lang; timeZone: string; regionId: number; hotline: string }) | null;
}

/**
 * One update from a person, start to answer (docs/telegram.md): replays and re-deliveries do nothing;
 * over the chat's rate the bot says so once and then stays silent; an unlinked chat gets the welcome
 * and nothing else — no account data before a link. Each button runs the use-case the cabinet runs
 * (the overview, the promised payment's rule, the support desk); its refusals come back in the
 * account's language with the module's own words.
 */
export async function handleEvent(ctx: BotContext, e: IncomingEvent): Promise<BotAnswer | null> {
  const taken = await takeUpdate(ctx.db, e);
  if (!taken.fresh) return null;
  if (e.body.kind === 'blocked' || e.body.kind === 'unblocked') return null;
  const chat = taken.chat;
  let who = await chatAccounts(ctx.db, chat);
  const lang: Lang = who.current?.lang ?? (chat.language_code?.startsWith('en') ? 'en' : 'ru');
  const t = TEXTS[lang];
  if (taken.limited === 'still') return e.body.kind === 'button' ? { toast: t.rateLimited, screens: [] } : null;
  if (taken.limited === 'now') return { toast: t.rateLimited, screens: [{ lines: [t.rateLimited] }] };

  if (e.body.kind === 'start') {
    if (e.body.payload) {
      const r = await linkChat(ctx.db, { messenger: e.messenger, chatRowId: chat.id, token: e.body.payload });
      if (!r.linked) {
        const why = r.reason === 'invalid' ? t.linkInvalid : t.linkOtherPerson;
        return {
          screens: [
            who.current
              ? menuScreen(lang, who.current, who.accounts.length, why)
              : welcomeScreen(lang, ctx.config.publicUrl, why),
          ],
        };
      }
      who = await chatAccounts(ctx.db, { ...chat, current_account_id: r.accountId });
      const l = who.current!.lang;
      return { screens: [menuScreen(l, who.current!, who.accounts.length, TEXTS[l].linked(r.number))] };
    }
    return {
      screens: [
        who.current ? menuScreen(lang, who.current, who.accounts.length) : welcomeScreen(lang, ctx.config.publicUrl),
      ],
    };
  }
  // Nothing of any account before a link.
  if (!who.current) return { screens: [welcomeScreen(lang, ctx.config.publicUrl)], replace: e.body.kind === 'button' };
  const cur = who.current;
  try {
    if (e.body.kind === 'button') return await pressed(ctx, chat, who, cur, e.body.action);
    const state = chat.state as { step?: string; categoryId?: number; ticketId?: number } | null;
    if (state?.step === 'top_up_amount' && e.body.kind === 'text')
      return await typedAmount(ctx, chat.id, cur, e.body.text);
    if (state?.step === 'ticket_text' || state?.step === 'ticket_reply') {
      const answer = await ticketFromChat(ctx, { chatRowId: chat.id, account: cur, state, body: e.body });
      return { screens: [answer] };
    }
    return { screens: [menuScreen(lang, cur, who.accounts.length, t.useButtons)] };
  } catch (err) {
    if (err instanceof AppError)
      return {
        toast: errorMessage(err.code, err.params, lang).slice(0, 200),
        screens: [noteScreen(lang, [errorMessage(err.code, err.params, lang)])],
      };
    throw err;
  }
}

async function pressed(
  ctx: BotContext,
  chat: ChatRow,
  who: ChatAccounts,
  cur: NonNullable<ChatAccounts['current']>,
  action: string,
): Promise<BotAnswer> {
  const { db } = ctx;
  const lang = cur.lang;
  const t = TEXTS[lang];
  const [verb, arg] = action.split(':') as [string, string | undefined];
  const id = arg !== undefined && /^\d{1,15}$/.test(arg) ? Number(arg) : null;
  // Any button ends a step that waited for text.
  if (chat.state) await setState(db, chat.id, null);
  const nav = (screen: BotAnswer['screens'][number]): BotAnswer => ({ screens: [screen], replace: true });
  switch (verb) {
    case 'm':
      return nav(menuScreen(lang, cur, who.accounts.length));
    case 'b':
      return nav(balanceScreen(lang, await getOverview(db, cur.accountId)));
    case 'p':
      // The amount may also be typed: the next text is read as one (typedAmount).
      await setState(db, chat.id, { step: 'top_up_amount' });
      return nav(topUpScreen(lang, await getOverview(db, cur.accountId)));
    case 'pa': {
      if (id === null) break;
      validatePaymentAmount(id);
      return nav(await pay(ctx, cur, id));
    }
    case 'pp': {
      const p = await getPromisedPayment(db, cur.accountId);
      return nav(promisedScreen(lang, { ...p, reasonText: p.reason ? PROMISED_REASON_TEXT[p.reason][lang] : null }));
    }
    case 'pt': {
      if (id === null) break;
      const r = await takePromisedPayment(db, cur.accountId, id);
      return { screens: [noteScreen(lang, [t.promisedTaken(money(r.amount, lang), day(r.dueOn))])] };
    }
    case 't': {
      if (id !== null) {
        const tk = await showMyTicket(db, { accountId: cur.accountId, ticketId: id });
        return nav(ticketScreen(lang, tk, cur.timeZone));
      }
      const { tickets } = await listMyTickets(db, { accountId: cur.accountId, limit: 30 });
      return nav(ticketsScreen(lang, tickets.filter((x) => x.status !== 'closed').slice(0, 8)));
    }
    case 'tn':
      return nav(topicsScreen(lang, await listRegionCategories(db, cur.regionId)));
    case 'tc': {
      if (id === null) break;
      const topic = (await listRegionCategories(db, cur.regionId)).find((c) => c.id === id);
      if (!topic) throw new AppError('support_category_not_found');
      await setState(db, chat.id, { step: 'ticket_text', categoryId: id });
      return nav(noteScreen(lang, [t.writeTicket(lang === 'ru' ? topic.nameRu : topic.nameEn)]));
    }
    case 'tr': {
      if (id === null) break;
      const tk = await showMyTicket(db, { accountId: cur.accountId, ticketId: id });
      if (tk.status === 'closed')
        return { screens: [noteScreen(lang, [t.ticketClosed], [[{ label: t.newTicket, action: 'tn' }]])] };
      await setState(db, chat.id, { step: 'ticket_reply', ticketId: id });
      return { screens: [noteScreen(lang, [t.writeReply(id)])] };
    }
    case 'tf': {
      if (id === null) break;
      const files = await supportAnswerFiles(ctx, { accountId: cur.accountId, ticketId: id });
      return { screens: [], files };
    }
    case 'a': {
      if (id === null) return nav(accountsScreen(lang, who.accounts, cur.accountId));
      const next = who.accounts.find((a) => a.accountId === id);
      if (!next) return { toast: t.accountGone, screens: [] };
      await db.execute(sql`update messenger_chats set current_account_id = ${id} where id = ${chat.id}`);
      const now = await chatAccounts(db, { ...chat, current_account_id: id });
      return nav(menuScreen(now.current!.lang, now.current!, now.accounts.length));
    }
    case 'u':
      return nav(
        noteScreen(
          lang,
          [t.unlinkConfirm(cur.number)],
          [
            [
              { label: t.unlinkYes, action: 'u!' },
              { label: t.cancel, action: 'm' },
            ],
          ],
        ),
      );
    case 'u!': {
      await unlinkChat(db, { by: { chat: { chatRowId: chat.id, accountId: cur.accountId } } });
      const left = await chatAccounts(db, { ...chat, current_account_id: null });
      const lead = t.unlinked(cur.number);
      return nav(
        left.current
          ? menuScreen(lang, left.current, left.accounts.length, lead)
          : welcomeScreen(lang, ctx.config.publicUrl, lead),
      );
    }
  }
  return nav(menuScreen(lang, cur, who.accounts.length, t.useButtons));
}

/**
 * An amount typed after «Пополнить»: read by the cabinet's rule (rubles, at most two decimals, 1 kopeck
 * to the single-payment limit; a trailing currency word is allowed). A bad one is answered with the
 * rule in the account's language and the bot keeps waiting; nothing is created either way — the payment
 * is made on the page the buttons open.
 */
async function typedAmount(
  ctx: BotContext,
  chatRowId: number,
  cur: NonNullable<ChatAccounts['current']>,
  text: string,
): Promise<BotAnswer> {
  const lang = cur.lang;
  const t = TEXTS[lang];
  const cleaned = text.trim().replace(/\s*(₽|руб(лей|ля|ль)?\.?|р\.?|rub(les?)?|rur)$/iu, '');
  let amount: number;
  try {
    amount = parsePaymentAmount(cleaned.slice(0, 40));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return {
      screens: [
        noteScreen(
          lang,
          [t.badAmountTyped(errorMessage(err.code, err.params, lang))],
          [[{ label: t.payOther, action: 'p' }]],
        ),
      ],
    };
  }
  await setState(ctx.db, chatRowId, null);
  return { screens: [await pay(ctx, cur, amount)] };
}

async function pay(ctx: BotContext, cur: NonNullable<ChatAccounts['current']>, amount: number) {
  const methods = await ctx.paymentMethods(cur.accountId);
  return payScreen(cur.lang, { account: cur.number, amount, sbp: methods.sbp, publicUrl: ctx.config.publicUrl });
}

export async function setState(db: Db, chatRowId: number, state: Record<string, unknown> | null) {
  await db.execute(
    sql`update messenger_chats set state = ${state === null ? null : JSON.stringify(state)}::jsonb where id = ${chatRowId}`,
  );
}

/** The chat's linked accounts and the one its buttons act on (the current one, else the first). */
async function chatAccounts(db: Db, chat: Pick<ChatRow, 'id' | 'current_account_id'>): Promise<ChatAccounts> {
  const rows = await queryRows<{
    account_id: number;
    number: string;
    lang: Lang;
    time_zone: string;
    region_id: number;
    support_phone: string;
  }>(
    db,
    sql`select a.id as account_id, a.number, s.lang, r.time_zone, a.region_id, r.support_phone
        from messenger_links l join accounts a on a.id = l.account_id join regions r on r.id = a.region_id
          join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
        where l.chat_row_id = ${chat.id} order by l.id`,
  );
  const accounts = rows.map((r) => ({ accountId: r.account_id, number: r.number }));
  const cur = rows.find((r) => r.account_id === chat.current_account_id) ?? rows[0];
  return {
    accounts,
    current: cur
      ? {
          accountId: cur.account_id,
          number: cur.number,
          lang: cur.lang,
          timeZone: cur.time_zone,
          regionId: cur.region_id,
          hotline: cur.support_phone,
        }
      : null,
  };
}
