import type { FastifyBaseLogger } from 'fastify';

import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import { createTelegramBot, type TelegramBot } from '../../integrations/telegram/telegram-bot.js';
import { type TelegramChannel, telegramChannel } from '../../integrations/telegram/telegram-channel.js';
import { handleEvent, type PaymentMethodsOf } from './handle-event.js';
import type { MessengerChannels } from './messenger.js';

/**
 * The messengers this server runs (docs/notifications.md, "Channels"): for each configured one, its
 * channel (notices, the bot's answers) and its bot (updates in). Telegram when TELEGRAM_BOT_TOKEN is
 * set. Another messenger adds its adapter here and nowhere else in this module.
 */
export class MessengersRuntime {
  readonly channels: MessengerChannels = {};
  readonly telegram: { channel: TelegramChannel; bot: TelegramBot } | null = null;
  private log: (msg: string, extra?: object) => void = () => {};

  constructor(
    readonly config: Config,
    database: Database,
    /** How the account can pay (the payments module's rule): the bot offers SBP beside the card where it can. */
    paymentMethods: PaymentMethodsOf = () => Promise.resolve({ card: true, sbp: false }),
  ) {
    if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_BOT_USERNAME) {
      const opts = {
        token: config.TELEGRAM_BOT_TOKEN,
        username: config.TELEGRAM_BOT_USERNAME,
        apiUrl: config.TELEGRAM_API_URL,
      };
      const channel = telegramChannel(opts);
      const bot = createTelegramBot({
        ...opts,
        channel,
        // The config object is read at each update: tests and the e2e harness set publicUrl after start.
        onEvent: (e) => handleEvent({ db: database.db, config, channel, paymentMethods }, e),
        log: (msg, extra) => this.log(msg, extra),
      });
      this.channels.telegram = channel;
      this.telegram = { channel, bot };
    }
  }

  /** Where the bots' warnings go: the app's logger, once there is one. */
  setLogger(logger: FastifyBaseLogger): void {
    this.log = (msg, extra) => logger.warn(extra ?? {}, msg);
  }

  /**
   * Starts taking updates (the process that runs the worker): production sets the webhook
   * `<PUBLIC_URL>/api/telegram/webhook` with TELEGRAM_WEBHOOK_SECRET; without a secret (development)
   * the bot polls getUpdates, which also removes a webhook left from elsewhere.
   */
  async start(): Promise<void> {
    if (!this.telegram) return;
    const secret = this.config.TELEGRAM_WEBHOOK_SECRET;
    if (secret) {
      await this.telegram.bot.setWebhook(`${this.config.publicUrl}/api/telegram/webhook`, secret);
      return;
    }
    this.telegram.bot.startPolling().catch((e: unknown) => this.log('telegram: polling stopped', { err: String(e) }));
  }

  async stop(): Promise<void> {
    await this.telegram?.bot.stopPolling();
  }

  /** Messenger names this server can deliver to. */
  get names() {
    return Object.keys(this.channels) as (keyof MessengerChannels)[];
  }
}
