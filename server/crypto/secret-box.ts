import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for personal data and credentials kept in the database (passport numbers, staff
 * TOTP secrets, PPPoE passwords and NAS shared secrets, which must be read back in clear): AES-256-GCM
 * under a key derived from APP_SECRET and the kind of value, so one kind's ciphertext never opens as
 * another's.
 *
 * Rotation (docs/deploy.md): the new secret goes in APP_SECRET and the old one in
 * APP_SECRET_PREVIOUS; values sealed under either open; `abonent secrets reseal` rewrites every value
 * under the new key, after which APP_SECRET_PREVIOUS can go.
 *
 * Stored form: `v2:<key id>:<iv>:<tag>:<data>` (base64url); the key id is the first 8 hex digits of
 * the key's SHA-256, so opening goes straight to the right key. `v1:<iv>:<tag>:<data>` (no key id,
 * written before rotation existed) is still read, by trying each key.
 */
export type SealPurpose = 'passport' | 'totp' | 'network-password' | 'nas-secret' | 'contract-pdf';

export interface SecretKeys {
  /** APP_SECRET: every new value is sealed under it. */
  current: string;
  /** Earlier APP_SECRETs, still accepted for opening until everything is resealed. */
  previous: string[];
}

/** One secret string as keys without previous ones (tests, one-off tools). */
export const keysOf = (secret: string | SecretKeys): SecretKeys =>
  typeof secret === 'string' ? { current: secret, previous: [] } : secret;

interface Key {
  key: Buffer;
  id: string;
}

// Derived once per secret and purpose: the RADIUS path opens a PPPoE password per Access-Request burst.
const derived = new Map<string, Key>();
function keyFor(secret: string, purpose: SealPurpose): Key {
  const name = `${purpose}\u0000${secret}`;
  let k = derived.get(name);
  if (!k) {
    const key = createHash('sha256').update(`abonent:${purpose}:${secret}`).digest();
    k = { key, id: createHash('sha256').update(key).digest('hex').slice(0, 8) };
    derived.set(name, k);
  }
  return k;
}

export function seal(plain: string, purpose: SealPurpose, secret: string | SecretKeys): string {
  const { key, id } = keyFor(keysOf(secret).current, purpose);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const b64 = (b: Buffer) => b.toString('base64url');
  return `v2:${id}:${b64(iv)}:${b64(cipher.getAuthTag())}:${b64(data)}`;
}

function decrypt(key: Buffer, iv: string, tag: string, data: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Whether a stored value is sealed at all (TOTP secrets written before encryption are plain base32). */
export const isSealed = (stored: string): boolean => /^v[12]:/.test(stored);

/** Opens a sealed value; throws when no configured key opens it (a wrong or missing APP_SECRET). */
export function open(stored: string, purpose: SealPurpose, secret: string | SecretKeys): string {
  const k = keysOf(secret);
  const keys = [k.current, ...k.previous].map((s) => keyFor(s, purpose));
  const parts = stored.split(':');
  if (parts[0] === 'v2' && parts.length === 5) {
    const key = keys.find((x) => x.id === parts[1]);
    if (!key) throw new Error(`sealed ${purpose}: its key is neither APP_SECRET nor in APP_SECRET_PREVIOUS`);
    return decrypt(key.key, parts[2]!, parts[3]!, parts[4]!);
  }
  if (parts[0] === 'v1' && parts.length === 4) {
    for (const key of keys) {
      try {
        return decrypt(key.key, parts[1]!, parts[2]!, parts[3]!);
      } catch {
        /* not this key */
      }
    }
    throw new Error(`sealed ${purpose}: no configured APP_SECRET opens it`);
  }
  throw new Error(`sealed ${purpose}: unknown format`);
}

/** True when the value is not sealed under the current key (plain, v1, or an older key). */
export function needsReseal(stored: string, purpose: SealPurpose, secret: string | SecretKeys): boolean {
  const parts = stored.split(':');
  return !(parts[0] === 'v2' && parts[1] === keyFor(keysOf(secret).current, purpose).id);
}
