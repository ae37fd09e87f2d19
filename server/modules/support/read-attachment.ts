import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';

export interface AttachmentFile {
  fileName: string;
  mime: string;
  size: number;
  storageKey: string;
}

/**
 * Finds a file the caller may download, or "not found" for anything else (no hint whether it exists):
 * - a subscriber: files of messages in their own tickets that are not staff notes, and their own
 *   uploads not sent yet;
 * - staff: files of any ticket's messages, and their own uploads not sent yet;
 * - nobody: a file erased with its uploader's personal data (docs/personal-data.md).
 */
export async function readAttachment(
  db: Db,
  opts: { id: number; as: { accountId: number } | { staffId: number } },
): Promise<AttachmentFile> {
  const who =
    'accountId' in opts.as
      ? sql`(t.account_id = ${opts.as.accountId} and not m.internal)
            or (f.message_id is null and f.owner_account_id = ${opts.as.accountId})`
      : sql`f.message_id is not null or f.owner_staff_id = ${opts.as.staffId}`;
  const [row] = await queryRows<{ file_name: string; mime: string; size: number; storage_key: string }>(
    db,
    sql`select f.file_name, f.mime, f.size, f.storage_key
        from support_attachments f
        left join support_messages m on m.id = f.message_id
        left join support_tickets t on t.id = m.ticket_id
        where f.id = ${opts.id} and f.erased_at is null and (${who})`,
  );
  if (!row) throw new AppError('attachment_not_found');
  return { fileName: row.file_name, mime: row.mime, size: row.size, storageKey: row.storage_key };
}

/** Content-Disposition with the name in both forms (RFC 6266 / RFC 5987): ASCII fallback and UTF-8. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
