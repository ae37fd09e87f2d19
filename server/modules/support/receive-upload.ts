import type { FastifyRequest } from 'fastify';

import { AppError } from '../../../common/errors.js';
import { SUPPORT_LIMITS } from '../../../common/support.js';

/**
 * Reads the one file of a `multipart/form-data` upload (field `file`) with hard limits: one file of
 * at most 10 MB, no other large parts. Anything else is a clear 4xx before the file is looked at.
 */
export async function receiveUpload(req: FastifyRequest): Promise<{ fileName: string; data: Buffer }> {
  if (!req.isMultipart()) {
    throw new AppError('validation_failed', { details: 'multipart/form-data with one file in the field "file"' });
  }
  try {
    const part = await req.file({
      limits: { fileSize: SUPPORT_LIMITS.attachmentBytes, files: 1, fields: 2, parts: 3, fieldSize: 1024 },
      throwFileSizeLimit: true,
    });
    if (!part || part.fieldname !== 'file') {
      throw new AppError('validation_failed', { details: 'file: a file in the field "file" is required' });
    }
    const data = await part.toBuffer();
    return { fileName: part.filename ?? '', data };
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('attachment_too_large', { max: SUPPORT_LIMITS.attachmentBytes / 1024 / 1024 });
    }
    const status = (e as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      throw new AppError('validation_failed', { details: (e as Error).message });
    }
    // A client that breaks the connection mid-upload, or a malformed body busboy gives up on.
    throw new AppError('validation_failed', { details: 'the upload could not be read' });
  }
}
