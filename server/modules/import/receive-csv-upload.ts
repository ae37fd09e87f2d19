import type { FastifyRequest } from 'fastify';

import { AppError } from '../../../common/errors.js';
import { CSV_FILES } from './read-csv.js';

/** A CSV set of a large ISP: a year of payments of 100 000 subscribers is about 80 MB. */
export const UPLOAD_LIMITS = {
  fileSize: 256 * 1024 * 1024,
  files: CSV_FILES.length,
  fields: 2,
  parts: CSV_FILES.length + 2,
  fieldSize: 200,
};

/**
 * The CSV files of a back-office upload (multipart/form-data): files in the field "files", each named as
 * docs/import.md lists them (subscribers.csv, payments.csv, …), and an optional field "source". A file
 * with another name or a second file of the same name is refused before anything is kept.
 */
export async function receiveCsvUpload(
  req: FastifyRequest,
): Promise<{ files: Record<string, Buffer>; source?: string }> {
  if (!req.isMultipart())
    throw new AppError('validation_failed', { details: 'multipart/form-data with CSV files in the field "files"' });
  const files: Record<string, Buffer> = {};
  let source: string | undefined;
  try {
    for await (const part of req.parts({ limits: UPLOAD_LIMITS })) {
      if (part.type === 'field') {
        if (part.fieldname === 'source' && typeof part.value === 'string' && part.value.trim())
          source = part.value.trim();
        continue;
      }
      const name = (part.filename ?? '').toLowerCase().replace(/^.*[\\/]/, '');
      if (part.fieldname !== 'files' || !CSV_FILES.some((f) => `${f}.csv` === name) || files[name]) {
        await part.toBuffer();
        throw new AppError('import_csv_invalid', {
          file: name || '?',
          details: `expected one of ${CSV_FILES.map((f) => `${f}.csv`).join(', ')}, each once, in the field "files"`,
        });
      }
      files[name] = await part.toBuffer();
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('payload_too_large');
    const status = (e as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500)
      throw new AppError('validation_failed', { details: (e as Error).message });
    throw new AppError('validation_failed', { details: 'the upload could not be read' });
  }
  if (!files['subscribers.csv'])
    throw new AppError('import_csv_invalid', { file: 'subscribers.csv', details: 'missing' });
  return { files, source };
}
