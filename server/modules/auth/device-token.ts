import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { SecretKeys } from '../../crypto/secret-box.js';

/**
 * Device tokens (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): after a successful
 * sign-in the browser keeps an httpOnly cookie (`abonent_device`; API clients get `deviceToken` and send it
 * back) that says "this device signed in to this login before". It is an HMAC under APP_SECRET of the
 * login and a random device id, so nothing is stored and nobody can make one for a login they never
 * signed in to. With it, the per-login limit is replaced by a per-device one and the global ceiling
 * does not apply: a stranger guessing a login cannot lock its owner's devices out. Without it, the
 * sign-in counts as a new device (a subscriber is told).
 */
export type DeviceOwner = { type: 'staff' | 'subscriber'; id: number };

export const DEVICE_COOKIE = 'abonent_device';
/** Browsers keep a cookie at most 400 days. */
export const DEVICE_TOKEN_DAYS = 400;

function mac(secret: string, owner: DeviceOwner, deviceId: string): Buffer {
  const key = createHmac('sha256', secret).update('abonent-device-token').digest();
  return createHmac('sha256', key).update(`${owner.type}:${owner.id}:${deviceId}`).digest().subarray(0, 18);
}

export function issueDeviceToken(keys: SecretKeys, owner: DeviceOwner, deviceId?: string): string {
  const id = deviceId ?? randomBytes(12).toString('base64url');
  return `d1.${id}.${mac(keys.current, owner, id).toString('base64url')}`;
}

/** The device id when the token was issued to this login (under APP_SECRET or a previous one), else null. */
export function deviceOf(keys: SecretKeys, owner: DeviceOwner, token: string | undefined): string | null {
  const m = /^d1\.([\w-]{16})\.([\w-]{24})$/.exec(token ?? '');
  if (!m) return null;
  const given = Buffer.from(m[2]!, 'base64url');
  for (const secret of [keys.current, ...keys.previous])
    if (timingSafeEqual(given, mac(secret, owner, m[1]!))) return m[1]!;
  return null;
}
