import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import { SUPPORT_LIMITS } from '../../../common/support.js';
import type { AppDeps } from '../../deps.js';
import { FileStore } from './file-store.js';
import { SupportLive } from './live.js';
import { contentDisposition } from './read-attachment.js';
import { registerAdminRoutes } from './support-admin.routes.js';
import type { SupportContext } from './support-context.js';
import { registerLiveRoutes } from './support-live.routes.js';
import { registerStaffRoutes } from './support-staff.routes.js';
import { registerSubscriberRoutes } from './support-subscriber.routes.js';

/**
 * The support desk (docs/support.md): subscriber tickets, the staff queue, admin settings and reports,
 * files and live events. One FileStore and one LISTEN per process.
 */
export const supportRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  await app.register(multipart, {
    limits: { fileSize: SUPPORT_LIMITS.attachmentBytes, files: 1, fields: 2, parts: 3, fieldSize: 1024 },
  });
  const files = new FileStore(deps.config.supportFilesDir, {
    minFreeBytes: deps.config.SUPPORT_FILES_MIN_FREE_MB * 1024 * 1024,
  });
  // Uploads must not fill the database's disk: say so when they share it (PGlite keeps DATA_DIR).
  if (
    deps.config.NODE_ENV === 'production' &&
    deps.config.dbKind === 'pglite' &&
    (await files.sharesVolumeWith(deps.config.DATA_DIR))
  )
    app.log.warn(
      'SUPPORT_FILES_DIR is on the same volume as the database (DATA_DIR): mount it on a volume of its own ' +
        '(uploads are refused below SUPPORT_FILES_MIN_FREE_MB free, but the database would share what is left)',
    );
  const live = new SupportLive();
  await live.start(deps.database);
  app.addHook('onClose', async () => live.stop());

  const ctx: SupportContext = {
    deps,
    files,
    live,
    async sendFile(reply, file) {
      let data: Buffer;
      try {
        data = await readFile(join(deps.config.supportFilesDir, file.storageKey.slice(0, 2), file.storageKey));
      } catch {
        reply.log.error({ key: file.storageKey }, 'support attachment missing on disk');
        throw new AppError('attachment_not_found');
      }
      // Images open in the page (previews); PDFs download. Either way the browser may not guess
      // another type, and the file may run nothing (CSP sandbox) even if opened directly.
      const inline = file.mime.startsWith('image/');
      return reply
        .header('content-type', file.mime)
        .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', file.fileName))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store')
        .send(data);
    },
  };
  registerSubscriberRoutes(app, ctx);
  registerStaffRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerLiveRoutes(app, ctx);
};
