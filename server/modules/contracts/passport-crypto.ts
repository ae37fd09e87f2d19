import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Passport series and number are personal data (152-ФЗ): stored encrypted with AES-256-GCM under a
 * key derived from APP_SECRET; only the last four digits stay in clear for staff to compare.
 */
function key(secret: string): Buffer {
  return createHash('sha256').update(`abonent:passport:${secret}`).digest();
}

export function encryptPassport(plain: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
}

export function decryptPassport(stored: string, secret: string): string {
  const [v, iv, tag, data] = stored.split(':');
  if (v !== 'v1' || !iv || !tag || !data) throw new Error('unknown passport encryption format');
  const decipher = createDecipheriv('aes-256-gcm', key(secret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
