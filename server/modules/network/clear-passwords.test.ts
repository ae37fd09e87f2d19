import { describe, expect, it } from 'vitest';

import { ClearPasswords } from './clear-passwords.js';
import { type AccessEntry, CLEAR_PASSWORD } from './load-access.js';
import { encryptSecret } from './network-crypto.js';

const SECRET = 'clear-passwords-test-secret-0123456789';

function entry(accountId: number, password: string | null, passwordEnc?: string): AccessEntry {
  return {
    accountId,
    accountNumber: String(accountId),
    regionId: 1,
    status: 'active',
    login: `user${accountId}`,
    passwordEnc: passwordEnc ?? (password === null ? null : encryptSecret('network-password', password, SECRET)),
    mac: null,
    opt82: null,
    downKbps: 100_000,
    upKbps: 100_000,
    staticIp: null,
    [CLEAR_PASSWORD]: undefined,
  };
}

/** The same row read again: a new entry object with the same ciphertext. */
const reread = (e: AccessEntry, status: AccessEntry['status'] = e.status) => ({
  ...entry(e.accountId, null, e.passwordEnc ?? undefined),
  status,
});

const none = () => undefined;

/** Lets the event loop turn until the background warming has nothing left (or gives up after 2 s). */
async function warmed(p: ClearPasswords, entries: AccessEntry[]) {
  for (let i = 0; i < 2000 && !entries.every((e) => !e.passwordEnc || p.has(e)); i++) {
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('network passwords in clear', () => {
  it('decrypts what the directory read in the background, a slice per turn of the event loop', async () => {
    const p = new ClearPasswords(SECRET);
    const entries = Array.from({ length: 450 }, (_, i) => entry(i + 1, `pw-${i + 1}`));
    entries.push(entry(1000, null));
    p.loaded(entries, true, none);
    // Nothing is decrypted in the call itself: the answer to an Access-Request can come in between.
    expect(p.stats.decrypted).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(p.stats.decrypted).toBeGreaterThan(0);
    expect(p.stats.decrypted).toBeLessThan(450);
    await warmed(p, entries);
    expect(p.stats.decrypted).toBe(450);
    // An Access-Request now finds its password without decrypting it.
    expect(p.get(entries[449]!, entries[449]!.passwordEnc!)).toBe('pw-450');
    expect(p.stats.decrypted).toBe(450);
    // The clear text never serialises with the entry.
    expect(JSON.stringify(entries[449])).not.toContain('pw-450');
  });

  it('answers a request that comes before the warming with its own decryption, once', async () => {
    const p = new ClearPasswords(SECRET);
    const entries = Array.from({ length: 300 }, (_, i) => entry(i + 1, `pw-${i + 1}`));
    p.loaded(entries, true, none);
    expect(p.get(entries[299]!, entries[299]!.passwordEnc!)).toBe('pw-300');
    await warmed(p, entries);
    expect(p.stats.decrypted).toBe(300);
  });

  it('never answers a reset password with the old clear text; a re-read unchanged one is not decrypted again', async () => {
    const p = new ClearPasswords(SECRET);
    const a = entry(1, 'old-password');
    const b = entry(2, 'other');
    p.loaded([a, b], true, none);
    await warmed(p, [a, b]);
    expect(p.stats.decrypted).toBe(2);
    const byAccount = new Map([a, b].map((e) => [e.accountId, e]));

    // A partial read: account 1's password was reset, account 2 was blocked (same ciphertext).
    const reset = entry(1, 'new-password');
    const blocked = reread(b, 'blocked');
    p.loaded([reset, blocked], false, (id) => byAccount.get(id));
    await warmed(p, [reset, blocked]);
    expect(p.get(reset, reset.passwordEnc!)).toBe('new-password');
    expect(p.get(blocked, blocked.passwordEnc!)).toBe('other');
    expect(p.stats.decrypted).toBe(3); // only the reset one

    // The periodic full reload reads new objects for both: nothing is decrypted again.
    const again = [reread(reset), reread(blocked)];
    p.loaded(again, true, (id) => (id === 1 ? reset : blocked));
    await warmed(p, again);
    expect(p.get(again[0]!, again[0]!.passwordEnc!)).toBe('new-password');
    expect(p.stats.decrypted).toBe(3);
  });

  it('carries a large full reload over a slice per turn of the event loop', async () => {
    const p = new ClearPasswords(SECRET);
    const enc = encryptSecret('network-password', 'same', SECRET);
    const old = Array.from({ length: 12_000 }, (_, i) => entry(i + 1, null, enc));
    for (const e of old) e[CLEAR_PASSWORD] = 'same';
    const fresh = old.map((e) => reread(e));
    p.loaded(fresh, true, (id) => old[id - 1]);
    await new Promise((r) => setImmediate(r));
    const first = fresh.filter((e) => p.has(e)).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(12_000);
    await warmed(p, fresh);
    expect(fresh.every((e) => p.has(e))).toBe(true);
    expect(p.stats.decrypted).toBe(0);
  });

  it('skips a password this key cannot open and warms the others; the request for it fails', async () => {
    const p = new ClearPasswords(SECRET);
    const bad = entry(1, null, encryptSecret('network-password', 'x', 'another-secret-0123456789'));
    const good = Array.from({ length: 150 }, (_, i) => entry(i + 2, `pw-${i + 2}`));
    p.loaded([bad, ...good], true, none);
    await warmed(p, good);
    expect(good.every((e) => p.has(e))).toBe(true);
    expect(p.has(bad)).toBe(false);
    expect(() => p.get(bad, bad.passwordEnc!)).toThrow();
  });

  it('stops warming when closed', async () => {
    const p = new ClearPasswords(SECRET);
    const entries = Array.from({ length: 500 }, (_, i) => entry(i + 1, `pw-${i + 1}`));
    p.loaded(entries, true, none);
    p.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(p.stats.decrypted).toBeLessThanOrEqual(100);
    p.loaded(entries, true, none);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.stats.decrypted).toBeLessThanOrEqual(100);
  });
});
