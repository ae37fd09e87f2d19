import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { SUPPORT_LIMITS } from '../../../common/support.js';
import { type Db, queryRows } from '../../db/client.js';
import { countEvent, type LimitRule } from '../auth/rate-limit.js';
import type { FileStore } from './file-store.js';

/** Who uploads: a subscriber's account or a staff member. */
export type AttachmentOwner = { accountId: number } | { staffId: number };

const MB = 1024 * 1024;

/** 30 uploads per person in 10 minutes (the 31st waits), counted before the body is read. */
export const UPLOAD_RATE: LimitRule = {
  limit: SUPPORT_LIMITS.uploadsPer10Minutes + 1,
  windowSeconds: 600,
  lockSeconds: 600,
};

export const ownerKey = (o: AttachmentOwner) => ('accountId' in o ? `account:${o.accountId}` : `staff:${o.staffId}`);
export const dailyUploadBytes = (o: AttachmentOwner) =>
  'accountId' in o ? SUPPORT_LIMITS.subscriberBytesPerDay : SUPPORT_LIMITS.staffBytesPerDay;

/**
 * Before an upload's body is read (docs/support.md, "Limits"): the person's upload rate, and whether
 * the files' volume has room for a file of the largest size above its free-space floor.
 */
export async function admitUpload(db: Db, files: FileStore, owner: AttachmentOwner): Promise<void> {
  const wait = await countEvent(db, `upload:${ownerKey(owner)}`, UPLOAD_RATE);
  if (wait > 0) throw new AppError('rate_limited', { retryAfter: wait });
  await files.assertRoom(SUPPORT_LIMITS.attachmentBytes);
}

/**
 * Adds an upload to the person's bytes of today (UTC) in one upsert that does nothing past the quota,
 * so parallel uploads cannot race past it. Call inside the store's transaction: the usage row stays
 * locked until it ends, so what the transaction counts next (pending files) is exact too.
 */
export async function reserveUploadBytes(tx: Db, owner: AttachmentOwner, bytes: number): Promise<void> {
  const max = dailyUploadBytes(owner);
  const rows = await queryRows<{ bytes: number }>(
    tx,
    sql`insert into upload_usage as u (owner, day, bytes, files)
        values (${ownerKey(owner)}, (now() at time zone 'UTC')::date, ${bytes}, 1)
        on conflict (owner, day) do update set bytes = u.bytes + excluded.bytes, files = u.files + 1
          where u.bytes + excluded.bytes <= ${max}
        returning bytes`,
  );
  if (rows.length === 0 || bytes > max) throw new AppError('upload_quota', { max: Math.round(max / MB) });
}

/** Forgets usage rows of past days (the purge job). */
export async function purgeUploadUsage(db: Db): Promise<void> {
  await db.execute(sql`delete from upload_usage where day < (now() at time zone 'UTC')::date - 1`);
}
