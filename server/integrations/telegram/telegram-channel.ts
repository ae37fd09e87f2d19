import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';

import type { IncomingFile, MessengerChannel, OutgoingFile, Screen } from '../../modules/messengers/messenger.js';
import { MessengerError } from '../../modules/messengers/messenger.js';

/** Telegram's limits (https://core.telegram.org/bots/api#sendmessage, #sendphoto, #getfile). */
export const TELEGRAM_LIMITS = { text: 4096, caption: 1024, downloadBytes: 20 * 1024 * 1024 };

export interface TelegramOptions {
  token: string;
  username: string;
  /** TELEGRAM_API_URL: https://api.telegram.org, a local telegram-bot-api, or the tests' fake. */
  apiUrl: string;
}

export type TelegramChannel = MessengerChannel & {
  api: Api;
  /** Draws a screen over a message the bot sent (editMessageText); "not modified" is not an error. */
  edit(chatId: string, messageId: number, screen: Screen): Promise<void>;
};

/**
 * The Telegram side of the messenger channel, on grammY's API client (Bot API over HTTPS at
 * TELEGRAM_API_URL): screens become HTML text (every text escaped; bold with <b>) with an inline
 * keyboard, split into messages of at most 4096 characters with the buttons under the last; files go
 * as sendPhoto / sendDocument; a person's file is fetched with getFile and the file path download.
 * Telegram's refusals become MessengerError kinds (403 blocked; 400 "chat not found"; 429 with
 * retry_after; other 4xx refused; 5xx and network errors unavailable).
 */
export function telegramChannel(opts: TelegramOptions): TelegramChannel {
  const root = opts.apiUrl.replace(/\/+$/, '');
  const api = new Api(opts.token, { apiRoot: root });
  return {
    name: 'telegram',
    api,
    deepLink: (payload) => `https://t.me/${opts.username}?start=${payload}`,
    async send(chatId, screen) {
      const parts = splitText(renderHtml(screen), TELEGRAM_LIMITS.text);
      let id = 0;
      for (const [i, text] of parts.entries()) {
        const last = i === parts.length - 1;
        const m = await call(() =>
          api.sendMessage(chatId, text, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            ...(last && screen.buttons?.length ? { reply_markup: keyboard(screen) } : {}),
          }),
        );
        id = m.message_id;
      }
      return String(id);
    },
    async edit(chatId, messageId, screen) {
      const text = renderHtml(screen);
      if (text.length > TELEGRAM_LIMITS.text) throw new MessengerError('refused', 'screen too long to edit');
      try {
        await call(() =>
          api.editMessageText(chatId, messageId, text, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            ...(screen.buttons?.length ? { reply_markup: keyboard(screen) } : {}),
          }),
        );
      } catch (e) {
        if (e instanceof MessengerError && /message is not modified/.test(e.message)) return;
        throw e;
      }
    },
    async sendFile(chatId, file: OutgoingFile, caption?: string) {
      const input = new InputFile(file.bytes, file.name);
      const extra = caption
        ? { caption: escapeHtml(caption).slice(0, TELEGRAM_LIMITS.caption), parse_mode: 'HTML' as const }
        : {};
      if (file.kind === 'photo') await call(() => api.sendPhoto(chatId, input, extra));
      else await call(() => api.sendDocument(chatId, input, extra));
    },
    async download(file: IncomingFile) {
      if (file.size !== null && file.size > TELEGRAM_LIMITS.downloadBytes)
        throw new MessengerError('refused', 'file is too big for the Bot API download');
      const f = await call(() => api.getFile(file.ref));
      if (!f.file_path) throw new MessengerError('refused', 'Telegram gave no file_path');
      let res: Response;
      try {
        res = await fetch(`${root}/file/bot${opts.token}/${f.file_path}`, { signal: AbortSignal.timeout(30_000) });
      } catch (e) {
        throw new MessengerError('unavailable', `file download failed: ${String(e)}`);
      }
      if (!res.ok)
        throw new MessengerError(res.status >= 500 ? 'unavailable' : 'refused', `file download answered ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

/** A Bot API call with Telegram's answer turned into a MessengerError kind. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw classify(e);
  }
}

export function classify(e: unknown): unknown {
  if (e instanceof GrammyError) {
    const what = `Telegram ${e.method}: ${e.error_code} ${e.description}`;
    if (e.error_code === 429) return new MessengerError('rate_limited', what, e.parameters.retry_after ?? 1);
    if (e.error_code === 403) return new MessengerError('blocked', what);
    if (e.error_code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(e.description))
      return new MessengerError('chat_gone', what);
    // A wrong token (401/404) or Telegram's own trouble: not this message's fault; later, then the fallback.
    if (e.error_code >= 500 || e.error_code === 401 || e.error_code === 404)
      return new MessengerError('unavailable', what);
    return new MessengerError('refused', what);
  }
  if (e instanceof HttpError) return new MessengerError('unavailable', `Telegram unreachable: ${e.message}`);
  return e;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A screen as Telegram HTML: lines joined, every text escaped, bold parts in <b>. */
export function renderHtml(screen: Screen): string {
  return screen.lines.map((l) => (typeof l === 'string' ? escapeHtml(l) : `<b>${escapeHtml(l.bold)}</b>`)).join('\n');
}

function keyboard(screen: Screen): InlineKeyboardMarkup {
  return {
    inline_keyboard: (screen.buttons ?? []).map((row) =>
      row.map((b): InlineKeyboardButton =>
        'url' in b ? { text: b.label, url: b.url } : { text: b.label, callback_data: b.action },
      ),
    ),
  };
}

/**
 * Text in pieces Telegram takes, cut at a line break where one is near (never inside an entity: a cut
 * lands between lines, and only a line over the limit by itself is cut inside, where it has no tags).
 */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    // Never between the halves of a character outside the BMP, nor inside an entity like &amp;.
    const amp = rest.lastIndexOf('&', cut);
    if (amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp;
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut--;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}
