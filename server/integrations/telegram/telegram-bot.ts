import { Bot, type Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';

import type { BotAnswer, IncomingEvent } from '../../modules/messengers/messenger.js';
import { MessengerError } from '../../modules/messengers/messenger.js';
import type { TelegramChannel, TelegramOptions } from './telegram-channel.js';

/** The update kinds the bot asks Telegram for (setWebhook / getUpdates allowed_updates). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export interface TelegramBot {
  /** Handles one update (from the webhook route or long polling). Never throws for a person's update. */
  handleUpdate(update: Update): Promise<void>;
  /** Development: long polling with getUpdates (deletes a webhook first). Resolves when stopped. */
  startPolling(): Promise<void>;
  stopPolling(): Promise<void>;
  /** Production: tells Telegram where to POST updates and the secret to send with them. */
  setWebhook(url: string, secret: string): Promise<void>;
}

/**
 * The Telegram bot on grammY: each update becomes an IncomingEvent for the messenger module's handler
 * (`onEvent`: dedup, rate limit, linking, the buttons), and its answer is drawn back — the pressed
 * button answered (answerCallbackQuery, with a short note), menus drawn over the pressed message
 * (editMessageText), other screens and files sent as new messages. A person's update that fails is
 * logged and dropped (its update id is already taken, so a webhook retry does not repeat it).
 */
export function createTelegramBot(
  opts: TelegramOptions & {
    channel: TelegramChannel;
    onEvent: (e: IncomingEvent) => Promise<BotAnswer | null>;
    log: (msg: string, extra?: object) => void;
  },
): TelegramBot {
  const botInfo: UserFromGetMe = {
    id: Number(opts.token.split(':')[0]),
    is_bot: true,
    first_name: opts.username,
    username: opts.username,
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  const bot = new Bot(opts.token, { botInfo, client: { apiRoot: opts.apiUrl.replace(/\/+$/, '') } });
  const ch = opts.channel;

  const from = (ctx: Context) => ({
    title: ctx.from?.username ? `@${ctx.from.username}` : (ctx.from?.first_name ?? null),
    languageCode: ctx.from?.language_code ?? null,
  });
  const base = (ctx: Context) => ({
    messenger: 'telegram' as const,
    updateId: ctx.update.update_id,
    chatId: String(ctx.chat!.id),
    from: from(ctx),
  });

  // Private chats only: the bot shows one person's accounts, never in a group.
  bot.chatType('private').on('message', async (ctx) => {
    const m = ctx.message;
    let body: IncomingEvent['body'] | null = null;
    const start = /^\/start(?:@\w+)?(?:\s+([A-Za-z0-9_-]{1,64}))?\s*$/.exec(m.text ?? '');
    if (start) body = { kind: 'start', payload: start[1] ?? null };
    else if (m.text !== undefined) body = { kind: 'text', text: m.text };
    else if (m.photo?.length) {
      const p = m.photo.at(-1)!; // the largest size Telegram made
      body = {
        kind: 'file',
        file: { ref: p.file_id, size: p.file_size ?? null, name: 'photo.jpg' },
        caption: m.caption ?? '',
      };
    } else if (m.document) {
      const d = m.document;
      body = {
        kind: 'file',
        file: { ref: d.file_id, size: d.file_size ?? null, name: d.file_name ?? null },
        caption: m.caption ?? '',
      };
    }
    if (!body) return;
    await draw(ctx, await opts.onEvent({ ...base(ctx), body }));
  });
  bot.chatType('private').on('callback_query:data', async (ctx) => {
    const answer = await opts.onEvent({ ...base(ctx), body: { kind: 'button', action: ctx.callbackQuery.data } });
    // Always answered, so the button stops spinning (a replay is answered silently).
    await ctx
      .answerCallbackQuery(answer?.toast ? { text: answer.toast.slice(0, 200) } : undefined)
      .catch((e: unknown) => {
        opts.log('telegram: answerCallbackQuery failed', { err: String(e) });
      });
    await draw(ctx, answer, ctx.callbackQuery.message?.message_id);
  });
  bot.chatType('private').on('my_chat_member', async (ctx) => {
    const status = ctx.myChatMember.new_chat_member.status;
    const kind = status === 'kicked' ? 'blocked' : status === 'member' ? 'unblocked' : null;
    if (kind) await opts.onEvent({ ...base(ctx), body: { kind } });
  });
  bot.catch((err) => {
    opts.log('telegram: update failed', { update: err.ctx.update.update_id, err: String(err.error) });
  });

  async function draw(ctx: Context, answer: BotAnswer | null, pressedMessageId?: number) {
    if (!answer) return;
    const chatId = String(ctx.chat!.id);
    try {
      for (const [i, screen] of answer.screens.entries()) {
        if (i === 0 && answer.replace && pressedMessageId !== undefined) {
          try {
            await ch.edit(chatId, pressedMessageId, screen);
            continue;
          } catch (e) {
            // A message too old or too long to edit: the screen comes as a new message instead.
            if (!(e instanceof MessengerError) || e.failure !== 'refused') throw e;
          }
        }
        await ch.send(chatId, screen);
      }
      for (const f of answer.files ?? []) await ch.sendFile(chatId, f);
    } catch (e) {
      opts.log('telegram: could not answer', { chat: chatId, err: String(e) });
    }
  }

  return {
    async handleUpdate(update) {
      await bot.handleUpdate(update);
    },
    async startPolling() {
      await bot.start({ allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false });
    },
    async stopPolling() {
      if (bot.isRunning()) await bot.stop();
    },
    async setWebhook(url, secret) {
      await bot.api.setWebhook(url, {
        secret_token: secret,
        allowed_updates: [...ALLOWED_UPDATES],
        max_connections: 20,
      });
    },
  };
}
