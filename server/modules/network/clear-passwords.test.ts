import { describe, expect, it } from 'vitest';

import { ClearPasswords } from './clear-passwords.js';
import type { AccessEntry } from './load-access.js';
import { encryptSecret } from './network-crypto.js';

const SECRET = 'clear-passwords-test-secret-0123456789';

function entry(accountId: number, password: string | null): AccessEntry {
  return {
    accountId,
    accountNumber: String(accountId),
    regionId: 1,
    status: 'active',
    login: `user${accountId}`,
    passwordEnc: password === null ? null : encryptSecret('network-password', password, SECRET),
    mac: null,
    opt82: null,
    downKbps: 100_000,
    upKbps: 100_000,
    staticIp: null,
  };
}

/** Lets the event loop turn until the background warming has nothing left (or gives up after 2 s). */
async function warmed(p: ClearPasswords, entries: AccessEntry[]) {
  for (let i = 0; i < 2000 && !entries.every((e) => !e.passwordEnc || p.has(e.passwordEnc)); i++) {
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('network passwords in clear', () => {
  it('decrypts what the directory read in the background, a slice per turn of the event loop', async () => {
    const p = new ClearPasswords(SECRET);
    const entries = Array.from({ length: 450 }, (_, i) => entry(i + 1, `pw-${i + 1}`));
    entries.push(entry(1000, null));
    p.loaded(entries, true);
    // Nothing is decrypted in the call itself: the answer to an Access-Request can come in between.
    expect(p.stats.decrypted).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(p.stats.decrypted).toBeGreaterThan(0);
    expect(p.stats.decrypted).toBeLessThan(450);
    await warmed(p, entries);
    expect(p.stats.decrypted).toBe(450);
    // An Access-Request now finds its password without decrypting it.
    expect(p.get(entries[449]!.passwordEnc!)).toBe('pw-450');
    expect(p.stats.decrypted).toBe(450);
  });

  it('answers a request that comes before the warming with its own decryption, once', async () => {
    const p = new ClearPasswords(SECRET);
    const entries = Array.from({ length: 300 }, (_, i) => entry(i + 1, `pw-${i + 1}`));
    p.loaded(entries, true);
    expect(p.get(entries[299]!.passwordEnc!)).toBe('pw-300');
    await warmed(p, entries);
    expect(p.stats.decrypted).toBe(300);
  });

  it('never serves a changed password stale, and a full reload forgets the old one without decrypting the rest again', async () => {
    const p = new ClearPasswords(SECRET);
    const a = entry(1, 'old-password');
    const b = entry(2, 'other');
    p.loaded([a, b], true);
    await warmed(p, [a, b]);
    const reset = entry(1, 'new-password');
    p.loaded([reset], false);
    expect(p.get(reset.passwordEnc!)).toBe('new-password');
    expect(p.get(a.passwordEnc!)).toBe('old-password'); // kept only until the next full reload
    const decrypted = p.stats.decrypted;
    // The periodic full reload reads new entry objects with the same ciphertexts.
    p.loaded([{ ...reset }, { ...b }], true);
    expect(p.has(a.passwordEnc!)).toBe(false);
    expect(p.has(reset.passwordEnc!)).toBe(true);
    expect(p.has(b.passwordEnc!)).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(p.stats.decrypted).toBe(decrypted);
  });

  it('skips a password this key cannot open and warms the others; the request for it fails', async () => {
    const p = new ClearPasswords(SECRET);
    const bad = { ...entry(1, 'x'), passwordEnc: encryptSecret('network-password', 'x', 'another-secret-0123456789') };
    const good = Array.from({ length: 150 }, (_, i) => entry(i + 2, `pw-${i + 2}`));
    p.loaded([bad, ...good], true);
    await warmed(p, good);
    expect(good.every((e) => p.has(e.passwordEnc!))).toBe(true);
    expect(p.has(bad.passwordEnc)).toBe(false);
    expect(() => p.get(bad.passwordEnc)).toThrow();
  });

  it('stops warming when closed', async () => {
    const p = new ClearPasswords(SECRET);
    const entries = Array.from({ length: 500 }, (_, i) => entry(i + 1, `pw-${i + 1}`));
    p.loaded(entries, true);
    p.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(p.stats.decrypted).toBeLessThanOrEqual(100);
    p.loaded(entries, true);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.stats.decrypted).toBeLessThanOrEqual(100);
  });
});
