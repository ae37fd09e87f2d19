import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { open, type SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import type { StaffRole } from '../../db/schema/index.js';

/** How long the signed PDF (with the initial password) stays downloadable. */
export const CONTRACT_PDF_HOURS = 24;

/**
 * The signed contract's PDF, for the staff member who signed it or an administrator, within 24 hours
 * of signing. Anyone else — another operator walking contract ids — gets the same "not found" as for
 * an id that does not exist; the password page is never served to them.
 */
export async function getContractPdf(
  db: Db,
  opts: { contractId: number; staff: { staffId: number; role: StaffRole }; secrets: SecretKeys },
): Promise<{ number: string; pdf: Buffer }> {
  const [row] = await queryRows<{ number: string; pdf_enc: string; fresh: boolean }>(
    db,
    sql`select c.number, d.pdf_enc, d.created_at > now() - make_interval(hours => ${CONTRACT_PDF_HOURS}) as fresh
        from contract_pdfs d join contracts c on c.id = d.contract_id
        where d.contract_id = ${opts.contractId}
          and (d.signed_by = ${opts.staff.staffId} or ${opts.staff.role === 'admin'})`,
  );
  if (!row) throw new AppError('not_found');
  if (!row.fresh) throw new AppError('contract_document_expired', { hours: CONTRACT_PDF_HOURS });
  return { number: row.number, pdf: Buffer.from(open(row.pdf_enc, 'contract-pdf', opts.secrets), 'base64') };
}

/** Deletes signed PDFs older than the download window (the password must not linger). */
export async function purgeContractPdfs(db: Db): Promise<void> {
  await db.execute(
    sql`delete from contract_pdfs where created_at < now() - make_interval(hours => ${CONTRACT_PDF_HOURS})`,
  );
  // Clear PDFs written by a server of the previous release during a rolling upgrade.
  await db.execute(sql`delete from contract_documents`);
}
