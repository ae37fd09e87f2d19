import { createHash, randomBytes } from 'node:crypto';

import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import type { Messenger } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { assertNotLocked, countEvent } from '../auth/rate-limit.js';
import { consentWithdrawn } from '../privacy/withdraw-consent.js';

/** How long a "Подключить Telegram" link works. */
export const LINK_TOKEN_MINUTES = 10;
/** Links one account may ask for in an hour. */
const LINK_TOKENS = { limit: 10, windowSeconds: 3600, lockSeconds: 3600 };

export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A one-time token for binding a messenger chat to the signed-in subscriber's account: 24 random bytes
 * as base64url (32 characters: a Telegram start parameter takes up to 64 of A-Z a-z 0-9 _ -). Only its
 * SHA-256 is stored; it works for LINK_TOKEN_MINUTES, once. Earlier unused tokens of the account are
 * voided, so only the newest link works.
 */
export async function issueLinkToken(db: Db, opts: { messenger: Messenger; accountId: number }) {
  // Linking a messenger is optional processing: not after the consent was withdrawn (docs/personal-data.md).
  if (await consentWithdrawn(db, opts.accountId)) throw new AppError('consent_withdrawn');
  const key = `messenger-link:account:${opts.accountId}`;
  await assertNotLocked(db, [key]);
  await countEvent(db, key, LINK_TOKENS);
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + LINK_TOKEN_MINUTES * 60_000);
  await inTransaction(db, async (tx) => {
    await tx.execute(
      sql`update messenger_link_tokens set used_at = now()
          where account_id = ${opts.accountId} and messenger = ${opts.messenger} and used_at is null`,
    );
    await tx.execute(
      sql`insert into messenger_link_tokens (token_hash, messenger, account_id, expires_at)
          values (${hashLinkToken(token)}, ${opts.messenger}, ${opts.accountId}, ${expiresAt.toISOString()}::timestamptz)`,
    );
  });
  return { token, expiresAt };
}
