import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';

/**
 * The consents an account's subscriber gave (version, hash, when, who took it) and withdrew (when, how, who
 * entered it), oldest first, and whether their data is anonymised.
 */
export async function listConsents(db: Db, accountId: number) {
  const [s] = await queryRows<{ id: number; anonymized_at: string | null }>(
    db,
    sql`select s.id, s.anonymized_at from accounts a join contracts c on c.id = a.contract_id
        join subscribers s on s.id = c.subscriber_id where a.id = ${accountId}`,
  );
  if (!s) throw new AppError('account_not_found');
  const rows = await queryRows<{
    id: number;
    purpose: string;
    version: string;
    text_sha256: string;
    channel: string;
    staff_id: number | null;
    accepted_at: string;
    withdrawn_at: string | null;
    withdrawal_channel: 'cabinet' | 'office' | null;
    withdrawn_by_staff_id: number | null;
  }>(db, sql`select * from consents where subscriber_id = ${s.id} order by id`);
  return {
    anonymizedAt: s.anonymized_at === null ? null : new Date(s.anonymized_at).toISOString(),
    consents: rows.map((r) => ({
      id: r.id,
      purpose: r.purpose,
      version: r.version,
      textSha256: r.text_sha256,
      channel: r.channel,
      staffId: r.staff_id,
      acceptedAt: new Date(r.accepted_at).toISOString(),
      withdrawnAt: r.withdrawn_at === null ? null : new Date(r.withdrawn_at).toISOString(),
      withdrawalChannel: r.withdrawal_channel,
      withdrawnByStaffId: r.withdrawn_by_staff_id,
    })),
  };
}

/** What the subscriber sees of their own consents in the cabinet: state and history, no staff ids or hashes. */
export async function myConsents(db: Db, accountId: number) {
  const all = await listConsents(db, accountId);
  const state = !all.consents.length
    ? ('not_recorded' as const)
    : all.consents.some((c) => c.withdrawnAt === null)
      ? ('in_force' as const)
      : ('withdrawn' as const);
  return {
    state,
    consents: all.consents.map((c) => ({
      version: c.version,
      channel: c.channel,
      acceptedAt: c.acceptedAt,
      withdrawnAt: c.withdrawnAt,
      withdrawalChannel: c.withdrawalChannel,
    })),
  };
}
