import type { Messenger } from '../../db/schema/index.js';

/**
 * What the messenger bots and the messenger channel of notices say, independent of any messenger
 * (docs/notifications.md, "Another messenger"). A screen is text with rows of buttons; an adapter
 * (server/integrations/telegram/) draws it (Telegram: HTML text and an inline keyboard) and turns the
 * messenger's updates into IncomingEvents. VK or MAX is one more adapter of these two shapes.
 */
export interface Screen {
  /** Lines of text; `Bold` parts are drawn in bold where the messenger can. */
  lines: (string | Bold)[];
  /** Rows of buttons: an action the bot handles (≤ 40 ASCII characters), or a link that opens a page. */
  buttons?: ButtonSpec[][];
}
export interface Bold {
  bold: string;
}
export type ButtonSpec = { label: string; action: string } | { label: string; url: string };

/** A file one side sends the other (a support answer's attachment; a photo for a ticket). */
export interface OutgoingFile {
  kind: 'photo' | 'document';
  name: string;
  bytes: Buffer;
}

/** A file a person sent, not yet downloaded: the messenger's reference and what it says of it. */
export interface IncomingFile {
  ref: string;
  /** Bytes, when the messenger says (Telegram does). */
  size: number | null;
  name: string | null;
}

/** One update from a messenger, in the terms the bot understands. */
export interface IncomingEvent {
  messenger: Messenger;
  /** The messenger's id of this update (Telegram update_id): seen twice, acted on once. */
  updateId: number;
  chatId: string;
  /** The person's name in the messenger and language hint. */
  from: { title: string | null; languageCode: string | null };
  body:
    | { kind: 'start'; payload: string | null }
    | { kind: 'button'; action: string }
    | { kind: 'text'; text: string }
    | { kind: 'file'; file: IncomingFile; caption: string }
    | { kind: 'blocked' }
    | { kind: 'unblocked' };
}

/** What the bot answers: a short note on the pressed button, screens (the first may replace the pressed message). */
export interface BotAnswer {
  toast?: string;
  screens: Screen[];
  /** Draw the first screen over the message whose button was pressed (menus), instead of a new message. */
  replace?: boolean;
  /** Files to send after the screens. */
  files?: OutgoingFile[];
}

/** Why a messenger did not take a message (the adapter classifies its errors into these). */
export type MessengerFailure =
  /** The person blocked the bot (Telegram 403): not delivered, not worth retrying; the chat is marked. */
  | 'blocked'
  /** The chat does not exist for the bot (Telegram 400 "chat not found"). */
  | 'chat_gone'
  /** Flood control: try again after `retryAfterSeconds`; not a failure. */
  | 'rate_limited'
  /** The messenger refused this message (too long, bad markup): sending it again changes nothing. */
  | 'refused'
  /** No answer, 5xx, a dropped connection: try again later. */
  | 'unavailable';

export class MessengerError extends Error {
  constructor(
    readonly failure: MessengerFailure,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'MessengerError';
  }
}

/** One messenger's side of sending: what notices and the bot's answers go through. */
export interface MessengerChannel {
  readonly name: Messenger;
  /** The link that opens a chat with the bot carrying `payload` (Telegram: t.me/<bot>?start=<payload>). */
  deepLink(payload: string): string;
  /** Sends a screen; returns the messenger's id of the message. Throws MessengerError. */
  send(chatId: string, screen: Screen): Promise<string>;
  sendFile(chatId: string, file: OutgoingFile, caption?: string): Promise<void>;
  /** Downloads a file a person sent. Throws MessengerError ('refused' when the messenger will not give it). */
  download(file: IncomingFile): Promise<Buffer>;
}

/** The messengers this server has (configured ones only), by name. */
export type MessengerChannels = Partial<Record<Messenger, MessengerChannel>>;
