import { createHash } from 'node:crypto';

import { and, count, eq, isNull } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';

import { AppError } from '../../../common/errors.js';
import { ATTACHMENT_TYPES, type AttachmentMime, SUPPORT_LIMITS } from '../../../common/support.js';
import type { Db } from '../../db/client.js';
import { supportAttachments } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { FileStore } from './file-store.js';
import { imageDecodes, loadSharp } from './image-decodes.js';
import { sanitizeFileName } from './sanitize-file-name.js';
import { type AttachmentOwner, reserveUploadBytes } from './upload-limits.js';

export type { AttachmentOwner } from './upload-limits.js';

/** Pixels an uploaded image may have (a 8000×6000 photo fits); more is refused before decoding. */
const MAX_PIXELS = 60_000_000;

/**
 * Keeps one uploaded file until it is sent with a message. The type comes from the content (magic
 * bytes, `file-type`), never from the name or the browser; images are decoded and re-encoded (sharp),
 * which turns them upright and drops every metadata block — EXIF with GPS location, XMP, IPTC,
 * comments; PDFs are kept as they are. The name is reduced to a safe one (sanitizeFileName).
 *
 * Limits (issue 26, docs/support.md "Limits"): images are decoded one at a time per core
 * (image-decodes.ts); the bytes are added to the person's quota of the day and the pending files
 * counted in one transaction whose first statement locks the person's usage row, so parallel uploads
 * are counted one after another; the file is written only above the disk's free-space floor.
 */
export async function storeAttachment(
  db: Db,
  files: FileStore,
  opts: { owner: AttachmentOwner; fileName: string; data: Buffer },
) {
  if (opts.data.length > SUPPORT_LIMITS.attachmentBytes) {
    throw new AppError('attachment_too_large', { max: SUPPORT_LIMITS.attachmentBytes / 1024 / 1024 });
  }
  const detected = await fileTypeFromBuffer(opts.data);
  if (!detected || !(detected.mime in ATTACHMENT_TYPES)) throw new AppError('attachment_type');
  const mime = detected.mime as AttachmentMime;
  const data = mime === 'application/pdf' ? opts.data : await imageDecodes.run(() => cleanImage(opts.data, mime));

  const ownerWhere =
    'accountId' in opts.owner
      ? eq(supportAttachments.ownerAccountId, opts.owner.accountId)
      : eq(supportAttachments.ownerStaffId, opts.owner.staffId);
  return inTransaction(db, async (tx) => {
    await reserveUploadBytes(tx, opts.owner, data.length);
    const [pending] = await tx
      .select({ n: count() })
      .from(supportAttachments)
      .where(and(ownerWhere, isNull(supportAttachments.messageId)));
    if ((pending?.n ?? 0) >= SUPPORT_LIMITS.pendingUploads) throw new AppError('too_many_uploads');

    const storageKey = await files.put(data);
    try {
      const [row] = await tx
        .insert(supportAttachments)
        .values({
          ownerAccountId: 'accountId' in opts.owner ? opts.owner.accountId : null,
          ownerStaffId: 'staffId' in opts.owner ? opts.owner.staffId : null,
          fileName: sanitizeFileName(opts.fileName, mime),
          mime,
          size: data.length,
          sha256: createHash('sha256').update(data).digest('hex'),
          storageKey,
        })
        .returning();
      return { id: row!.id, fileName: row!.fileName, mime: row!.mime, size: row!.size };
    } catch (e) {
      await files.remove(storageKey);
      throw e;
    }
  });
}

async function cleanImage(data: Buffer, mime: AttachmentMime): Promise<Buffer> {
  const sharp = await loadSharp();
  try {
    // sharp writes no metadata unless asked (withMetadata/keepExif): re-encoding is the stripping.
    const img = sharp(data, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).rotate();
    if (mime === 'image/png') return await img.png().toBuffer();
    if (mime === 'image/webp') return await img.webp({ quality: 90 }).toBuffer();
    return await img.jpeg({ quality: 90, mozjpeg: true }).toBuffer();
  } catch {
    throw new AppError('attachment_unreadable');
  }
}
