import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of the Telegram Bot API (https://core.telegram.org/bots/api), built from its reference
 * for the methods Abonent uses, refusing what Telegram refuses with Telegram's error shape
 * `{ok: false, error_code, description, parameters?: {retry_after}}` ("Making requests"; the error
 * texts as Telegram words them, collected in the TelegramBotAPI/errors project):
 *
 * - requests go to `/bot<token>/<method>` (method names case-insensitive) as a query string, urlencoded,
 *   JSON or multipart/form-data (files); a token that is not of the form `<digits>:<secret>` or an
 *   unknown method is 404 "Not Found", a well-formed wrong token 401 "Unauthorized";
 * - getMe; setWebhook (an https URL — plain http is let through for loopback addresses only, where the
 *   tests run — `secret_token` of 1–256 characters A-Z a-z 0-9 _ -, sent back in
 *   X-Telegram-Bot-Api-Secret-Token; an update is POSTed until the webhook answers 2xx, like Telegram
 *   repeats it), deleteWebhook, getWebhookInfo; getUpdates (offset confirms, limit 1–100, long polling
 *   with `timeout`; 409 while a webhook is set, 409 for the earlier of two concurrent calls);
 * - sendMessage / editMessageText: `text` 1–4096 characters after entity parsing ("message text is
 *   empty", "message is too long"), parse_mode HTML (only Telegram's tags, balanced, entities escaped)
 *   or MarkdownV2 (reserved characters escaped), "can't parse entities: …" otherwise; chat_id of a user who
 *   started the bot ("chat not found"; 403 "Forbidden: bot was blocked by the user" once they blocked
 *   it); inline keyboards whose buttons carry callback_data of 1–64 bytes (BUTTON_DATA_INVALID) or an
 *   http(s) url (BUTTON_URL_INVALID); editing a message that is not the bot's ("message to edit not
 *   found") or to the same content ("message is not modified");
 * - sendPhoto (≤ 10 MB, an image), sendDocument (≤ 50 MB), caption ≤ 1024 characters;
 * - getFile (file_path for `/file/bot<token>/<file_path>`; a file over 20 MB is "file is too big" — the
 *   Bot API's download limit; an unknown id "invalid file_id");
 * - answerCallbackQuery (a query the user made and nobody answered, text ≤ 200 characters).
 *
 * The people: `user(id)` makes someone who writes to the bot; they send text, photos and documents,
 * press buttons of the bot's messages (only buttons that exist), block and unblock the bot. Flood
 * control is scripted: `floodNext(n, retryAfter)` answers the next n sends 429 with retry_after.
 */
export async function startFakeTelegram(opts: { token: string; username?: string }) {
  const botId = Number(opts.token.split(':')[0]);
  const username = opts.username ?? 'abonent_test_bot';
  let nextUpdateId = 1_000_000 + Math.floor(Math.random() * 1000);
  let nextMessageId = 1;
  let nextFileId = 1;
  const users = new Map<number, FakeUser>();
  const messages = new Map<string, BotMessage>(); // `${chatId}:${messageId}`
  const files = new Map<string, { bytes: Buffer; path: string; uniqueId: string }>();
  const callbacks = new Map<string, { userId: number; at: number; answered: boolean; answer?: string }>();
  const pending: Update[] = [];
  const calls: { method: string; status: number; params: Record<string, unknown>; description?: string }[] = [];
  let webhook: { url: string; secret?: string } | null = null;
  let delivering: Promise<void> = Promise.resolve();
  let polling: { res: ServerResponse; timer: NodeJS.Timeout; finish: () => void } | null = null;
  const flood = { left: 0, retryAfter: 1 };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error_code: 500, description: String(e) });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
  const fail = (code: number, description: string, parameters?: object): ApiError => ({
    ok: false,
    error_code: code,
    description,
    ...(parameters ? { parameters } : {}),
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? '/', url);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(u.pathname);
    if (file) {
      if (!TOKEN.test(file[1]!)) return send(res, 404, fail(404, 'Not Found'));
      if (file[1] !== opts.token) return send(res, 401, fail(401, 'Unauthorized'));
      const f = [...files.values()].find((x) => x.path === decodeURIComponent(file[2]!));
      if (!f) return send(res, 404, fail(404, 'Not Found'));
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(f.bytes);
      return;
    }
    const m = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(u.pathname);
    if (!m || !TOKEN.test(m[1]!)) return send(res, 404, fail(404, 'Not Found'));
    if (m[1] !== opts.token) return send(res, 401, fail(401, 'Unauthorized'));
    const method = m[2]!.toLowerCase();
    const params = await readParams(req, u);
    if (method === 'getupdates') return getUpdates(res, params);
    const impl = METHODS[method];
    const result = impl ? impl(params) : fail(404, 'Not Found');
    const status = 'ok' in result && result.ok === false ? result.error_code : 200;
    calls.push({
      method: m[2]!,
      status,
      params,
      ...(status === 200 ? {} : { description: (result as ApiError).description }),
    });
    send(res, status, result);
  }

  const METHODS: Record<string, (p: Params) => ApiError | { ok: true; result: unknown }> = {
    getme: () => ok({ id: botId, is_bot: true, first_name: 'Abonent', username, can_join_groups: false }),
    setwebhook: (p) => {
      const target = str(p.url);
      if (target === '') {
        webhook = null;
        return ok(true);
      }
      let parsed: URL;
      try {
        parsed = new URL(target);
      } catch {
        return fail(400, 'Bad Request: bad webhook: Failed to resolve host: Name or service not known');
      }
      const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost';
      if (parsed.protocol !== 'https:' && !loopback)
        return fail(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
      if (p.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(str(p.secret_token)))
        return fail(400, 'Bad Request: secret token contains unallowed characters');
      webhook = { url: target, secret: p.secret_token === undefined ? undefined : str(p.secret_token) };
      if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') pending.length = 0;
      if (polling) polling.finish();
      void deliver();
      return ok(true);
    },
    deletewebhook: (p) => {
      webhook = null;
      if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') pending.length = 0;
      return ok(true);
    },
    getwebhookinfo: () =>
      ok({ url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: pending.length }),
    sendmessage: (p) => {
      const chat = chatOf(p.chat_id);
      if ('ok' in chat) return chat;
      const text = checkText(p.text, p.parse_mode, 4096);
      if (typeof text !== 'string') return text;
      const markup = checkMarkup(p.reply_markup);
      if (markup && 'ok' in markup) return markup;
      const limited = floodControl();
      if (limited) return limited;
      return ok(view(record(chat, { text, replyMarkup: markup })));
    },
    editmessagetext: (p) => {
      const key = `${String(p.chat_id)}:${String(p.message_id)}`;
      const msg = messages.get(key);
      if (!msg) return fail(400, 'Bad Request: message to edit not found');
      const text = checkText(p.text, p.parse_mode, 4096);
      if (typeof text !== 'string') return text;
      const markup = checkMarkup(p.reply_markup);
      if (markup && 'ok' in markup) return markup;
      if (msg.text === text && JSON.stringify(msg.replyMarkup ?? null) === JSON.stringify(markup ?? null))
        return fail(
          400,
          'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        );
      msg.text = text;
      msg.replyMarkup = markup;
      msg.edits++;
      return ok(view(msg));
    },
    answercallbackquery: (p) => {
      const q = callbacks.get(str(p.callback_query_id));
      if (!q || q.answered || Date.now() - q.at > 15 * 60_000)
        return fail(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
      if (p.text !== undefined && str(p.text).length > 200) return fail(400, 'Bad Request: MESSAGE_TOO_LONG');
      q.answered = true;
      q.answer = p.text === undefined ? undefined : str(p.text);
      return ok(true);
    },
    sendphoto: (p) => sendFile(p, 'photo', 10 * MB),
    senddocument: (p) => sendFile(p, 'document', 50 * MB),
    getfile: (p) => {
      const f = files.get(str(p.file_id));
      if (!f) return fail(400, 'Bad Request: invalid file_id');
      if (f.bytes.length > 20 * MB) return fail(400, 'Bad Request: file is too big');
      return ok({
        file_id: String(p.file_id),
        file_unique_id: f.uniqueId,
        file_size: f.bytes.length,
        file_path: f.path,
      });
    },
  };

  function ok(result: unknown) {
    return { ok: true as const, result };
  }

  function floodControl(): ApiError | null {
    if (flood.left <= 0) return null;
    flood.left--;
    return fail(429, `Too Many Requests: retry after ${flood.retryAfter}`, { retry_after: flood.retryAfter });
  }

  function chatOf(id: unknown): FakeUser | ApiError {
    const n = Number(id);
    const u = Number.isSafeInteger(n) ? users.get(n) : undefined;
    if (!u || !u.started) return fail(400, 'Bad Request: chat not found');
    if (u.blocked) return fail(403, 'Forbidden: bot was blocked by the user');
    return u;
  }

  function sendFile(p: Params, kind: 'photo' | 'document', max: number) {
    const chat = chatOf(p.chat_id);
    if ('ok' in chat) return chat;
    const f = p[kind];
    if (!(f instanceof UploadedFile)) return fail(400, `Bad Request: there is no ${kind} in the request`);
    if (f.bytes.length === 0) return fail(400, 'Bad Request: file must be non-empty');
    if (f.bytes.length > 50 * MB) return fail(413, 'Request Entity Too Large');
    if (f.bytes.length > max) return fail(400, 'Bad Request: file is too big');
    if (kind === 'photo' && !isImage(f.bytes)) return fail(400, 'Bad Request: IMAGE_PROCESS_FAILED');
    let caption: string | undefined;
    if (p.caption !== undefined) {
      const c = checkText(p.caption, p.parse_mode, 1024, true);
      if (typeof c !== 'string') return c;
      caption = c;
    }
    const markup = checkMarkup(p.reply_markup);
    if (markup && 'ok' in markup) return markup;
    const limited = floodControl();
    if (limited) return limited;
    const fileId = storeFile(f.bytes, kind === 'photo' ? 'photos' : 'documents', f.name);
    return ok(
      view(record(chat, { caption, replyMarkup: markup, file: { kind, fileId, name: f.name, bytes: f.bytes } })),
    );
  }

  function storeFile(bytes: Buffer, folder: string, name = 'file') {
    const id = `F${nextFileId++}${randomBytes(6).toString('hex')}`;
    const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1] ?? 'bin';
    files.set(id, { bytes, path: `${folder}/file_${nextFileId}.${ext}`, uniqueId: randomBytes(4).toString('hex') });
    return id;
  }

  function record(chat: FakeUser, m: Partial<BotMessage>): BotMessage {
    const msg: BotMessage = { messageId: nextMessageId++, chatId: chat.id, date: now(), edits: 0, ...m };
    messages.set(`${chat.id}:${msg.messageId}`, msg);
    chat.inbox.push(msg);
    return msg;
  }

  function view(m: BotMessage) {
    return {
      message_id: m.messageId,
      date: m.date,
      chat: { id: m.chatId, type: 'private' },
      from: { id: botId, is_bot: true, first_name: 'Abonent', username },
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.caption !== undefined ? { caption: m.caption } : {}),
      ...(m.file?.kind === 'photo'
        ? {
            photo: [
              { file_id: m.file.fileId, file_unique_id: 'p', width: 1, height: 1, file_size: m.file.bytes.length },
            ],
          }
        : {}),
      ...(m.file?.kind === 'document'
        ? {
            document: {
              file_id: m.file.fileId,
              file_unique_id: 'd',
              file_name: m.file.name,
              file_size: m.file.bytes.length,
            },
          }
        : {}),
      ...(m.replyMarkup ? { reply_markup: m.replyMarkup } : {}),
    };
  }

  // ---------------------------------------------------------------- updates: webhook and getUpdates

  function push(update: Omit<Update, 'update_id'>): Update {
    const u = { update_id: nextUpdateId++, ...update };
    pending.push(u);
    if (webhook) void deliver();
    else polling?.finish();
    return u;
  }

  /** Telegram POSTs one update at a time here (in order) and repeats it until the answer is 2xx. */
  function deliver(): Promise<void> {
    delivering = delivering.then(async () => {
      for (let tries = 0; webhook && pending.length > 0 && tries < 50;) {
        const hook = webhook;
        const u = pending[0]!;
        let status: number;
        try {
          const r = await fetch(hook.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}),
            },
            body: JSON.stringify(u),
          });
          status = r.status;
          await r.arrayBuffer();
        } catch {
          status = 0;
        }
        webhookAnswers.push({ updateId: u.update_id, status });
        if (status >= 200 && status < 300) {
          pending.shift();
          tries = 0;
        } else {
          tries++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    });
    return delivering;
  }
  const webhookAnswers: { updateId: number; status: number }[] = [];

  function getUpdates(res: ServerResponse, p: Params) {
    if (webhook)
      return send(
        res,
        409,
        fail(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        ),
      );
    const limit = p.limit === undefined ? 100 : Number(p.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return send(res, 400, fail(400, 'Bad Request: invalid limit'));
    const offset = p.offset === undefined ? 0 : Number(p.offset);
    // Confirmed: every update with an id below the offset is forgotten.
    while (pending.length && pending[0]!.update_id < offset) pending.shift();
    if (polling) {
      const earlier = polling;
      polling = null;
      clearTimeout(earlier.timer);
      send(
        earlier.res,
        409,
        fail(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'),
      );
    }
    const answer = () => send(res, 200, ok(pending.slice(0, limit)));
    const timeout = Math.min(50, Math.max(0, Number(p.timeout ?? 0)));
    if (pending.length > 0 || timeout === 0) return answer();
    const finish = () => {
      if (polling?.res !== res) return;
      clearTimeout(polling.timer);
      polling = null;
      answer();
    };
    polling = { res, timer: setTimeout(finish, timeout * 1000), finish };
    res.on('close', () => {
      if (polling?.res === res) {
        clearTimeout(polling.timer);
        polling = null;
      }
    });
  }

  // ---------------------------------------------------------------- the people who write to the bot

  function user(id: number, profile: { firstName?: string; username?: string; languageCode?: string } = {}) {
    let u = users.get(id);
    if (!u) {
      u = { id, started: false, blocked: false, inbox: [], profile };
      users.set(id, u);
    }
    const me = u;
    const from = () => ({
      id,
      is_bot: false,
      first_name: me.profile.firstName ?? 'Ivan',
      ...(me.profile.username ? { username: me.profile.username } : {}),
      ...(me.profile.languageCode ? { language_code: me.profile.languageCode } : {}),
    });
    const chat = () => ({ id, type: 'private', first_name: me.profile.firstName ?? 'Ivan' });
    const message = (extra: object) => ({
      message_id: nextMessageId++,
      date: now(),
      chat: chat(),
      from: from(),
      ...extra,
    });
    return {
      id,
      /** What the bot sent this person, oldest first. */
      get messages() {
        return me.inbox;
      },
      /** The bot's newest message to this person. */
      get last() {
        return me.inbox.at(-1);
      },
      /** Types text (a command is a text starting with '/', with its bot_command entity). */
      say(text: string) {
        me.started = true;
        const command = /^\/\w+/.exec(text);
        return push({
          message: message({
            text,
            ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
          }),
        });
      },
      /** Presses a button of one of the bot's messages to them: only a button that is there. */
      press(label: string | RegExp, inMessage?: BotMessage) {
        const msg = inMessage ?? [...me.inbox].reverse().find((m) => findButton(m, label));
        const button = msg && findButton(msg, label);
        if (!msg || !button) throw new Error(`no button ${String(label)} in the bot's messages to ${id}`);
        if (button.callback_data === undefined) throw new Error(`button ${String(label)} is a link: ${button.url}`);
        const queryId = randomBytes(8).toString('hex');
        callbacks.set(queryId, { userId: id, at: Date.now(), answered: false });
        return push({
          callback_query: {
            id: queryId,
            from: from(),
            chat_instance: String(id),
            data: button.callback_data,
            message: view(msg),
          },
        });
      },
      /** Sends a photo (Telegram hands the bot several sizes; the file_size is known). */
      sendPhoto(bytes: Buffer, caption?: string) {
        me.started = true;
        const fileId = storeFile(bytes, 'photos', 'photo.jpg');
        const size = { file_id: fileId, file_unique_id: 'u', width: 800, height: 600, file_size: bytes.length };
        return push({
          message: message({ photo: [{ ...size, width: 90, height: 67 }, size], ...(caption ? { caption } : {}) }),
        });
      },
      sendDocument(bytes: Buffer, fileName: string, mimeType: string, caption?: string) {
        me.started = true;
        const fileId = storeFile(bytes, 'documents', fileName);
        return push({
          message: message({
            document: {
              file_id: fileId,
              file_unique_id: 'u',
              file_name: fileName,
              mime_type: mimeType,
              file_size: bytes.length,
            },
            ...(caption ? { caption } : {}),
          }),
        });
      },
      /** Blocks the bot: sends fail with 403 from now on, and the bot hears of it (my_chat_member). */
      block() {
        me.blocked = true;
        return push({ my_chat_member: memberChange('member', 'kicked') });
      },
      unblock() {
        me.blocked = false;
        return push({ my_chat_member: memberChange('kicked', 'member') });
      },
      /** What the bot answered to this person's button presses (answerCallbackQuery texts). */
      get callbackAnswers() {
        return [...callbacks.values()].filter((c) => c.userId === id).map((c) => c.answer ?? (c.answered ? '' : null));
      },
      /** Downloads a file the bot sent (as the person's app would). */
      fileBytes(fileId: string) {
        return files.get(fileId)?.bytes;
      },
    };
    function memberChange(from: string, to: string) {
      return {
        chat: chat(),
        from: from_(),
        date: now(),
        old_chat_member: { status: from, user: { id: botId, is_bot: true, first_name: 'Abonent' } },
        new_chat_member: {
          status: to,
          user: { id: botId, is_bot: true, first_name: 'Abonent' },
          ...(to === 'kicked' ? { until_date: 0 } : {}),
        },
      };
    }
    function from_() {
      return from();
    }
  }

  return {
    url,
    token: opts.token,
    username,
    user,
    /** Every Bot API call the bot made, with its status and Telegram's description when refused. */
    calls,
    /** Each webhook POST of an update and how the bot answered it. */
    webhookAnswers,
    get webhook() {
      return webhook;
    },
    get pendingUpdates() {
      return pending.length;
    },
    /** Answers the next n sendMessage/sendPhoto/sendDocument calls with 429 Too Many Requests. */
    floodNext(n: number, retryAfter: number) {
      flood.left = n;
      flood.retryAfter = retryAfter;
    },
    /** Waits until every update was delivered to the webhook (and answered 2xx). */
    async flush() {
      await deliver();
    },
    async close() {
      if (polling) {
        clearTimeout(polling.timer);
        polling.res.destroy();
      }
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  // ---------------------------------------------------------------- request parsing and checks

  async function readParams(req: IncomingMessage, u: URL): Promise<Params> {
    const params: Params = Object.fromEntries(u.searchParams);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    if (body.length === 0) return params;
    if (type.startsWith('application/json')) Object.assign(params, JSON.parse(body.toString('utf8')) as Params);
    else if (type.startsWith('application/x-www-form-urlencoded'))
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    else if (type.startsWith('multipart/form-data')) {
      const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
      if (!boundary) return params;
      for (const part of parseMultipart(body, boundary[1] ?? boundary[2]!)) {
        params[part.name] =
          part.fileName === null ? part.data.toString('utf8') : new UploadedFile(part.data, part.fileName);
      }
      // A file sent as its own part and named in a parameter as attach://<part name> (what grammY sends).
      for (const [k, v] of Object.entries(params)) {
        const ref = typeof v === 'string' ? /^attach:\/\/(.+)$/.exec(v) : null;
        if (ref && params[ref[1]!] instanceof UploadedFile) params[k] = params[ref[1]!];
      }
    }
    return params;
  }
}

const MB = 1024 * 1024;
const TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,}$/;
const now = () => Math.floor(Date.now() / 1000);
/** A request parameter as text (a file upload or an object is no text). */
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/**
 * multipart/form-data (RFC 7578) as Telegram reads it: parts split at the boundary, the name and the
 * filename (quoted or not) from Content-Disposition, header names in any case.
 */
function parseMultipart(body: Buffer, boundary: string) {
  const parts: { name: string; fileName: string | null; data: Buffer }[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const chunk = body.subarray(start + 2, next - 2); // after CRLF, before the CRLF that ends the part
    const split = chunk.indexOf('\r\n\r\n');
    if (split !== -1) {
      const head = chunk.subarray(0, split).toString('utf8');
      const disposition = /content-disposition:\s*form-data([^\r\n]*)/i.exec(head)?.[1] ?? '';
      const name = /;\s*name="?([^";\r\n]+)"?/i.exec(disposition)?.[1];
      const fileName = /;\s*filename="?([^";\r\n]+)"?/i.exec(disposition)?.[1] ?? null;
      if (name) parts.push({ name, fileName, data: chunk.subarray(split + 4) });
    }
    at = next;
  }
  return parts;
}

class UploadedFile {
  constructor(
    readonly bytes: Buffer,
    readonly name: string,
  ) {}
}

type Params = Record<string, unknown>;
interface ApiError {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}
interface Update {
  update_id: number;
  message?: unknown;
  callback_query?: unknown;
  my_chat_member?: unknown;
}
interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
}
interface Markup {
  inline_keyboard: InlineButton[][];
}
export interface BotMessage {
  messageId: number;
  chatId: number;
  date: number;
  text?: string;
  caption?: string;
  replyMarkup?: Markup;
  file?: { kind: 'photo' | 'document'; fileId: string; name: string; bytes: Buffer };
  edits: number;
}
interface FakeUser {
  id: number;
  started: boolean;
  blocked: boolean;
  inbox: BotMessage[];
  profile: { firstName?: string; username?: string; languageCode?: string };
}

/** The buttons of a message, as a person sees them (text and the link or data behind each). */
export function buttonsOf(m: BotMessage | undefined): InlineButton[] {
  return m?.replyMarkup?.inline_keyboard.flat() ?? [];
}

function findButton(m: BotMessage, label: string | RegExp) {
  return buttonsOf(m).find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)));
}

/** A JSON-serialized parameter may come as an object (JSON body) or as its text (form fields). */
function jsonParam(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

function checkMarkup(raw: unknown): Markup | ApiError | undefined {
  if (raw === undefined) return undefined;
  const bad = (d: string): ApiError => ({ ok: false, error_code: 400, description: `Bad Request: ${d}` });
  const m = jsonParam(raw) as Markup | undefined;
  if (!m || typeof m !== 'object') return bad("can't parse reply keyboard markup JSON object");
  if (!Array.isArray(m.inline_keyboard) || !m.inline_keyboard.every(Array.isArray))
    return bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  for (const b of m.inline_keyboard.flat()) {
    if (!b || typeof b.text !== 'string' || b.text === '')
      return bad("can't parse inline keyboard button: Text is empty");
    if (b.callback_data === undefined && b.url === undefined)
      return bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    if (b.callback_data !== undefined) {
      const n = Buffer.byteLength(String(b.callback_data), 'utf8');
      if (n < 1 || n > 64) return bad('BUTTON_DATA_INVALID');
    }
    if (b.url !== undefined) {
      try {
        const u = new URL(String(b.url));
        if (!['http:', 'https:', 'tg:'].includes(u.protocol) || (u.protocol !== 'tg:' && !u.hostname))
          throw new Error();
      } catch {
        return bad('BUTTON_URL_INVALID');
      }
    }
  }
  return m;
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);
const MDV2_RESERVED = '_*[]()~`>#+-=|{}.!';

/** The text as Telegram shows it after parsing entities, or Telegram's refusal. */
function checkText(raw: unknown, parseMode: unknown, max: number, caption = false): string | ApiError {
  const bad = (d: string): ApiError => ({ ok: false, error_code: 400, description: `Bad Request: ${d}` });
  const text = str(raw);
  let shown = text;
  if (parseMode !== undefined && parseMode !== '') {
    if (parseMode === 'HTML') {
      const r = parseHtml(text);
      if (typeof r !== 'string') return bad(`can't parse entities: ${r.error}`);
      shown = r;
    } else if (parseMode === 'MarkdownV2') {
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '\\') {
          i++;
          continue;
        }
        if (MDV2_RESERVED.includes(text[i]!) && !'*_~`|['.includes(text[i]!))
          return bad(
            `can't parse entities: Character '${text[i]}' is reserved and must be escaped with the preceding '\\'`,
          );
      }
      shown = text.replace(/\\(.)/g, '$1');
    } else if (parseMode !== 'Markdown') return bad('unsupported parse_mode');
  }
  if (!caption && shown.trim() === '') return bad('message text is empty');
  if (shown.length > max) return bad(caption ? 'message caption is too long' : 'message is too long');
  return shown;
}

/** Telegram's HTML subset: its tags only, closed in order, `<`, `>`, `&` escaped as entities. */
function parseHtml(text: string): string | { error: string } {
  const stack: string[] = [];
  let out = '';
  const byteOffset = (i: number) => Buffer.byteLength(text.slice(0, i), 'utf8');
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === '<') {
      const end = text.indexOf('>', i);
      if (end < 0) return { error: `Unclosed start tag at byte offset ${byteOffset(i)}` };
      const raw = text.slice(i + 1, end).trim();
      if (raw.startsWith('/')) {
        const name = raw.slice(1).trim().toLowerCase();
        if (stack.at(-1) !== name)
          return { error: `Can't find end tag corresponding to start tag "${stack.at(-1) ?? name}"` };
        stack.pop();
      } else {
        const name = /^[a-z-]+/i.exec(raw)?.[0]?.toLowerCase() ?? '';
        if (!HTML_TAGS.has(name)) return { error: `Unsupported start tag "${name}" at byte offset ${byteOffset(i)}` };
        stack.push(name);
      }
      i = end + 1;
    } else if (c === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(text.slice(i));
      if (!m) return { error: `Unsupported HTML entity at byte offset ${byteOffset(i)}` };
      out += { lt: '<', gt: '>', amp: '&', quot: '"' }[m[1]!.toLowerCase()] ?? '?';
      i += m[0].length;
    } else if (c === '>') {
      return { error: `Unexpected end tag at byte offset ${byteOffset(i)}` };
    } else {
      out += c;
      i++;
    }
  }
  if (stack.length) return { error: `Can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  return out;
}

function isImage(b: Buffer): boolean {
  return (
    (b[0] === 0xff && b[1] === 0xd8) ||
    b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP')
  );
}

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;
export type FakeTelegramUser = ReturnType<FakeTelegram['user']>;
