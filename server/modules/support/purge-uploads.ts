import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { FileStore } from './file-store.js';

/** Uploads never sent with a message are removed after this many hours. */
export const PENDING_UPLOAD_HOURS = 24;

/** Deletes unsent uploads older than a day: rows first (committed), then their files. */
export async function purgeUploads(db: Db, files: FileStore, now = new Date()): Promise<number> {
  const gone = await queryRows<{ storage_key: string }>(
    db,
    sql`delete from support_attachments
        where message_id is null
          and created_at < ${now.toISOString()}::timestamptz - make_interval(hours => ${PENDING_UPLOAD_HOURS})
        returning storage_key`,
  );
  for (const g of gone) await files.remove(g.storage_key);
  return gone.length;
}
