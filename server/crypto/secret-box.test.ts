import { describe, expect, it } from 'vitest';

import { isSealed, needsReseal, open, seal } from './secret-box.js';

const A = 'secret-a-0123456789';
const B = 'secret-b-0123456789';

describe('secret box', () => {
  it('seals with a random IV and opens only with a configured key and the same purpose', () => {
    const x = seal('4010123456', 'passport', A);
    expect(x).not.toBe(seal('4010123456', 'passport', A));
    expect(isSealed(x)).toBe(true);
    expect(open(x, 'passport', A)).toBe('4010123456');
    expect(() => open(x, 'passport', B)).toThrow(/neither APP_SECRET/);
    expect(() => open(x, 'totp', A)).toThrow();
    const tampered = x.slice(0, -2) + (x.endsWith('A') ? 'B' : 'A');
    expect(() => open(tampered, 'passport', A)).toThrow();
  });

  it('opens values sealed under a previous secret and says they need resealing', () => {
    const old = seal('JBSWY3DPEHPK3PXP', 'totp', A);
    const keys = { current: B, previous: [A] };
    expect(open(old, 'totp', keys)).toBe('JBSWY3DPEHPK3PXP');
    expect(needsReseal(old, 'totp', keys)).toBe(true);
    expect(needsReseal(seal('x', 'totp', keys), 'totp', keys)).toBe(false);
    expect(needsReseal('JBSWY3DPEHPK3PXP', 'totp', keys)).toBe(true);
  });

  it('reads the v1 format written before key ids existed', async () => {
    const { createCipheriv, createHash } = await import('node:crypto');
    const key = createHash('sha256').update(`abonent:passport:${A}`).digest();
    const iv = Buffer.alloc(12, 7);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([c.update('4010999999', 'utf8'), c.final()]);
    const v1 = `v1:${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
    expect(open(v1, 'passport', { current: B, previous: [A] })).toBe('4010999999');
  });
});
