import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Attachment bytes on disk, outside the web root (config `SUPPORT_FILES_DIR`, default
 * `<DATA_DIR>/support-files`). A file is named by a random key, never by anything the uploader sent,
 * so no name can reach another path; files are readable by the app's user only.
 */
export class FileStore {
  constructor(private readonly dir: string) {}

  /** Writes the bytes under a new random key and returns it. */
  async put(data: Buffer): Promise<string> {
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

  private path(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error('not a storage key');
    return join(this.dir, key.slice(0, 2), key);
  }
}
