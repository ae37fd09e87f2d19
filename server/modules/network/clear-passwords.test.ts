import { describe, expect, it } from 'vitest';

import { ClearPasswords } from './clear-passwords.js';
import { type AccessEntry, carryClearPassword, CLEAR_PASSWORD, sameAccess } from './load-access.js';
import { encryptSecret } from './network-crypto.js';

const SECRET = 'clear-passwords-test-secret-0123456789';

function entry(accountId: number, password: string | null, passwordEnc?: string): AccessEntry {
  return {
    accountId,
    accountNumber: String(accountId),
    regionId: 1,
    status: 'active',
    accessType: 'pppoe',
    login: `user${accountId}`,
    passwordEnc: passwordEnc ?? (password === null ? null : encryptSecret('network-password', password, SECRET)),
    mac: null,
    macBinding: false,
    opt82: null,
    downKbps: 100_000,
    upKbps: 100_000,
    staticIp: null,
    framedIpv6: null,
    delegatedIpv6: null,
    timeZone: 'Europe/Moscow',
    plan: null,
    [CLEAR_PASSWORD]: undefined,
  };
}

/** The same row read again: a new entry object with the same ciphertext. */
const reread = (e: AccessEntry, status: AccessEntry['status'] = e.status) => ({
  ...entry(e.accountId, null, e.passwordEnc ?? undefined),
  status,
});

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
    p.loaded(entries);
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
    p.loaded(entries);
    expect(p.get(entries[299]!, entries[299]!.passwordEnc!)).toBe('pw-300');
    await warmed(p, entries);
    expect(p.stats.decrypted).toBe(300);
  });

  it('never answers a reset password with the old clear text; an unchanged one is not decrypted again', async () => {
    const p = new ClearPasswords(SECRET);
    const a = entry(1, 'old-password');
    const b = entry(2, 'other');
    p.loaded([a, b]);
    await warmed(p, [a, b]);
    expect(p.stats.decrypted).toBe(2);

    // Read again: account 1's password was reset, account 2 was blocked (same ciphertext).
    const reset = entry(1, 'new-password');
    const blocked = reread(b, 'blocked');
    carryClearPassword(a, reset);
    carryClearPassword(b, blocked);
    expect(p.has(reset)).toBe(false);
    expect(p.has(blocked)).toBe(true);
    p.loaded([reset, blocked]);
    await warmed(p, [reset, blocked]);
    expect(p.get(reset, reset.passwordEnc!)).toBe('new-password');
    expect(p.get(blocked, blocked.passwordEnc!)).toBe('other');
    expect(p.stats.decrypted).toBe(3); // only the reset one
  });

  it('keeps an entry on a re-read only when everything an answer depends on is the same', () => {
    const a = entry(1, 'pw');
    expect(sameAccess(a, reread(a))).toBe(true);
    const changes: Partial<AccessEntry> = {
      accountNumber: '999',
      regionId: 2,
      status: 'blocked',
      accessType: 'ipoe',
      login: 'renamed',
      passwordEnc: encryptSecret('network-password', 'pw', SECRET), // the same password, encrypted again
      mac: '00:11:22:33:44:55',
      macBinding: true,
      opt82: '|0001',
      downKbps: 50_000,
      upKbps: 50_000,
      staticIp: '10.0.0.9',
      framedIpv6: '2001:db8:1::/64',
      delegatedIpv6: '2001:db8:100::/56',
      timeZone: 'Asia/Vladivostok',
      plan: { tariffId: 1, maxSessions: 1, windows: [], attributes: [] },
    };
    // Every field of an entry is compared (a field added later and not compared fails here).
    expect(Object.keys(changes).sort()).toEqual(
      Object.keys(a)
        .filter((k) => k !== 'accountId')
        .sort(),
    );
    for (const [field, value] of Object.entries(changes)) {
      expect({ field, same: sameAccess(a, { ...reread(a), [field]: value }) }).toEqual({ field, same: false });
    }
  });

  it('skips a password this key cannot open and warms the others; the request for it fails', async () => {
    const p = new ClearPasswords(SECRET);
    const bad = entry(1, null, encryptSecret('network-password', 'x', 'another-secret-0123456789'));
    const good = Array.from({ length: 150 }, (_, i) => entry(i + 2, `pw-${i + 2}`));
    p.loaded([bad, ...good]);
    await warmed(p, good);
    expect(good.every((e) => p.has(e))).toBe(true);
    expect(p.has(bad)).toBe(false);
    expect(() => p.get(bad, bad.passwordEnc!)).toThrow();
  });

  it('stops warming when closed', async () => {
    const p = new ClearPasswords(SECRET);
    const entries = Array.from({ length: 500 }, (_, i) => entry(i + 1, `pw-${i + 1}`));
    p.loaded(entries);
    p.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(p.stats.decrypted).toBeLessThanOrEqual(100);
    p.loaded(entries);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.stats.decrypted).toBeLessThanOrEqual(100);
  });
});
