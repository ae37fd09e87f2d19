import type { FastifyReply } from 'fastify';

import type { AppDeps } from '../../deps.js';
import type { FileStore } from './file-store.js';
import type { SupportLive } from './live.js';
import type { AttachmentFile } from './read-attachment.js';

/** What the support route files share: one file store and one live hub per process. */
export interface SupportContext {
  deps: AppDeps;
  files: FileStore;
  live: SupportLive;
  sendFile(reply: FastifyReply, file: AttachmentFile): Promise<FastifyReply>;
}

export const security = [{ bearer: [] }];
