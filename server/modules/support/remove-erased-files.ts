import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { FileStore } from './file-store.js';

/**
 * Deletes the bytes of attachments whose uploader's personal data was anonymised (`erased_at`, set in the
 * anonymisation's transaction: docs/personal-data.md), then notes it on the row. A crash between the two
 * leaves the row to the next run, which removes again (removing a missing file is no error). The rows stay.
 */
export async function removeErasedFiles(db: Db, files: FileStore, batch = 1000): Promise<number> {
  let removed = 0;
  for (;;) {
    const rows = await queryRows<{ id: number; storage_key: string }>(
      db,
      sql`select id, storage_key from support_attachments
          where erased_at is not null and file_removed_at is null order by id limit ${batch}`,
    );
    for (const r of rows) await files.remove(r.storage_key);
    if (rows.length)
      await db.execute(
        sql`update support_attachments set file_removed_at = now()
            where id = any(${`{${rows.map((r) => r.id).join(',')}}`}::int8[])`,
      );
    removed += rows.length;
    if (rows.length < batch) return removed;
  }
}
