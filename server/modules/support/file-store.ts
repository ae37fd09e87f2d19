import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { AppError } from '../../../common/errors.js';

/** Free space of the volume holding a directory (bytes available to the app's user). */
export type FreeSpace = (dir: string) => Promise<number>;

const statfsFree: FreeSpace = async (dir) => {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
};

/**
 * Attachment bytes on disk, outside the web root (config `SUPPORT_FILES_DIR`, default
 * `<DATA_DIR>/support-files`). A file is named by a random key, never by anything the uploader sent,
 * so no name can reach another path; files are readable by the app's user only. No file is written
 * that would leave the volume with less than `minFreeBytes` free (SUPPORT_FILES_MIN_FREE_MB).
 */
export class FileStore {
  constructor(
    private readonly dir: string,
    private readonly opts: { minFreeBytes: number; freeSpace?: FreeSpace } = { minFreeBytes: 0 },
  ) {}

  /** Refuses (storage_full) when `bytes` more would take the volume under the free-space floor. */
  async assertRoom(bytes: number): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const free = await (this.opts.freeSpace ?? statfsFree)(this.dir);
    if (free - bytes < this.opts.minFreeBytes) throw new AppError('storage_full');
  }

  /** Writes the bytes under a new random key and returns it. */
  async put(data: Buffer): Promise<string> {
    await this.assertRoom(data.length);
    const key = randomBytes(16).toString('hex');
    const folder = join(this.dir, key.slice(0, 2));
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFile(join(folder, key), data, { mode: 0o600, flag: 'wx' });
    return key;
  }

  open(key: string): ReadStream {
    return createReadStream(this.path(key));
  }

  /** The whole file (a messenger sends it as one upload). */
  async read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** Whether the files live on the same device (volume) as `other` (the database's DATA_DIR). */
  async sharesVolumeWith(other: string): Promise<boolean> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      return (await stat(this.dir)).dev === (await stat(other)).dev;
    } catch {
      return false;
    }
  }

  private path(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error('not a storage key');
    return join(this.dir, key.slice(0, 2), key);
  }
}
