import { and, eq, gt, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { contractDocuments, contracts } from '../../db/schema/index.js';

/** How long the signed PDF (with the initial password) stays downloadable. */
export const CONTRACT_PDF_HOURS = 24;

export async function getContractPdf(db: Db, contractId: number): Promise<{ number: string; pdf: Buffer }> {
  const [row] = await db
    .select({ number: contracts.number, pdf: contractDocuments.pdfBase64, createdAt: contractDocuments.createdAt })
    .from(contracts)
    .leftJoin(
      contractDocuments,
      and(
        eq(contractDocuments.contractId, contracts.id),
        gt(contractDocuments.createdAt, sql`now() - make_interval(hours => ${CONTRACT_PDF_HOURS})`),
      ),
    )
    .where(eq(contracts.id, contractId));
  if (!row) throw new AppError('not_found');
  if (!row.pdf) throw new AppError('contract_document_expired', { hours: CONTRACT_PDF_HOURS });
  return { number: row.number, pdf: Buffer.from(row.pdf, 'base64') };
}

/** Deletes signed PDFs older than the download window (the password must not linger). */
export async function purgeContractPdfs(db: Db): Promise<void> {
  await db
    .delete(contractDocuments)
    .where(sql`${contractDocuments.createdAt} < now() - make_interval(hours => ${CONTRACT_PDF_HOURS})`);
}
