import { AppError, errorMessage, type Lang } from '../../../common/errors.js';
import { SUPPORT_LIMITS } from '../../../common/support.js';
import { addMessage } from '../support/add-message.js';
import { createTicket } from '../support/create-ticket.js';
import { estimateWait } from '../support/estimate-wait.js';
import { FileStore } from '../support/file-store.js';
import { findRegionCategory } from '../support/list-categories.js';
import { readAttachment } from '../support/read-attachment.js';
import { showMyTicket } from '../support/show-my-ticket.js';
import { storeAttachment } from '../support/store-attachment.js';
import { noteScreen } from './bot-screens.js';
import { TEXTS } from './bot-texts.js';
import type { BotContext } from './handle-event.js';
import { setState } from './handle-event.js';
import { type IncomingEvent, MessengerError, type OutgoingFile, type Screen } from './messenger.js';

type Body = Extract<IncomingEvent['body'], { kind: 'text' } | { kind: 'file' }>;

/**
 * A message typed (or a photo or PDF sent) while the chat waits for a ticket's text or an answer:
 * the support desk's own use-cases take it (createTicket, addMessage), with a file first stored the way
 * the cabinet's upload is — checked by content, images re-encoded without metadata, 10 MB at most
 * (refused before downloading when the messenger says the size). After a new ticket the chat keeps
 * taking messages into it, so a photo sent next joins the same ticket.
 */
export async function ticketFromChat(
  ctx: BotContext,
  opts: {
    chatRowId: number;
    account: { accountId: number; lang: Lang; regionId: number; hotline: string };
    state: { step?: string; categoryId?: number; ticketId?: number };
    body: Body;
  },
): Promise<Screen> {
  const { account, state, body } = opts;
  const lang = account.lang;
  const t = TEXTS[lang];
  const text = body.kind === 'text' ? body.text : body.caption;
  let attachmentIds: number[] = [];
  if (body.kind === 'file') {
    const stored = await receiveFile(ctx, account.accountId, body.file, lang);
    if ('refused' in stored) return noteScreen(lang, [stored.refused]);
    attachmentIds = [stored.id];
  }
  if (state.step === 'ticket_text' && state.categoryId) {
    const tk = await createTicket(ctx.db, {
      accountId: account.accountId,
      categoryId: state.categoryId,
      subject: '',
      text,
      attachmentIds,
    });
    await setState(ctx.db, opts.chatRowId, { step: 'ticket_reply', ticketId: tk.id });
    const topic = await findRegionCategory(ctx.db, account.regionId, state.categoryId);
    const wait = topic
      ? await estimateWait(ctx.db, {
          regionId: account.regionId,
          categoryId: topic.id,
          slaMinutes: topic.firstResponseMinutes,
          ticket: { id: tk.id, createdAt: tk.createdAt },
        })
      : null;
    return noteScreen(lang, [
      t.ticketCreated(tk.id),
      t.expectedWait(Math.max(1, Math.round(wait?.minutes ?? wait?.slaMinutes ?? 60))),
      t.hotline(account.hotline),
    ]);
  }
  const ticketId = state.ticketId ?? 0;
  await addMessage(ctx.db, ctx.config, {
    ticketId,
    author: { type: 'subscriber', accountId: account.accountId },
    text,
    attachmentIds,
  });
  return noteScreen(lang, [t.replyAdded(ticketId)]);
}

async function receiveFile(
  ctx: BotContext,
  accountId: number,
  file: Extract<Body, { kind: 'file' }>['file'],
  lang: Lang,
): Promise<{ id: number } | { refused: string }> {
  const t = TEXTS[lang];
  if (file.size !== null && file.size > SUPPORT_LIMITS.attachmentBytes) return { refused: t.fileTooBig };
  let bytes: Buffer;
  try {
    bytes = await ctx.channel.download(file);
  } catch (e) {
    if (e instanceof MessengerError) return { refused: e.failure === 'refused' ? t.fileTooBig : t.fileFailed };
    throw e;
  }
  try {
    const stored = await storeAttachment(ctx.db, new FileStore(ctx.config.supportFilesDir), {
      owner: { accountId },
      fileName: file.name ?? 'photo.jpg',
      data: bytes,
    });
    return { id: stored.id };
  } catch (e) {
    if (e instanceof AppError) return { refused: errorMessage(e.code, e.params, lang) };
    throw e;
  }
}

/**
 * The files support sent in a ticket (the subscriber's own are theirs already), newest last, at most
 * ten — read through the support desk's access rule (readAttachment: the ticket's subscriber, no notes).
 */
export async function supportAnswerFiles(
  ctx: BotContext,
  opts: { accountId: number; ticketId: number; messageId?: number },
): Promise<OutgoingFile[]> {
  const tk = await showMyTicket(ctx.db, { accountId: opts.accountId, ticketId: opts.ticketId });
  const refs = tk.messages
    .filter((m) => m.author === 'staff' && (opts.messageId === undefined || m.id === opts.messageId))
    .flatMap((m) => m.attachments)
    .slice(-10);
  return loadFiles(
    ctx,
    opts.accountId,
    refs.map((r) => r.id),
  );
}

export async function loadFiles(
  ctx: Pick<BotContext, 'db' | 'config'>,
  accountId: number,
  ids: number[],
): Promise<OutgoingFile[]> {
  const store = new FileStore(ctx.config.supportFilesDir);
  const out: OutgoingFile[] = [];
  for (const id of ids) {
    const f = await readAttachment(ctx.db, { id, as: { accountId } });
    const bytes = await store.read(f.storageKey);
    out.push({ kind: f.mime.startsWith('image/') ? 'photo' : 'document', name: f.fileName, bytes });
  }
  return out;
}
