import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * Network secrets that must be read back in clear — PPPoE passwords (CHAP and MS-CHAP compute with the
 * clear text, so a one-way hash cannot serve them) and NAS shared secrets (CoA packets are signed with
 * them) — are stored with AES-256-GCM under a key derived from APP_SECRET, one key per purpose, as
 * passports are (contracts/passport-crypto.ts). A database dump alone does not reveal them.
 */
export type SecretPurpose = 'network-password' | 'nas-secret';

const keys = new Map<string, Buffer>();
function key(purpose: SecretPurpose, secret: string): Buffer {
  const id = `${purpose}\u0000${secret}`;
  let k = keys.get(id);
  if (!k) {
    k = createHash('sha256').update(`abonent:${purpose}:${secret}`).digest();
    keys.set(id, k);
  }
  return k;
}

export function encryptSecret(purpose: SecretPurpose, plain: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(purpose, secret), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
}

export function decryptSecret(purpose: SecretPurpose, stored: string, secret: string): string {
  const [v, iv, tag, data] = stored.split(':');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown secret encryption format');
  const decipher = createDecipheriv('aes-256-gcm', key(purpose, secret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

// No 0/O, 1/l/I: typed from the contract into a router.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A PPPoE password: 10 characters of letters and digits (~58 bits), at least one of each. */
export function generateNetworkPassword(length = 10): string {
  let p = '';
  while (!/\d/.test(p) || !/[a-zA-Z]/.test(p)) {
    p = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  }
  return p;
}
