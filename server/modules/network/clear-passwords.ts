import type { SecretKeys } from '../../crypto/secret-box.js';
import { type AccessEntry, CLEAR_PASSWORD } from './load-access.js';
import { decryptSecret } from './network-crypto.js';

/** Per turn of the event loop while warming: at most this many decryptions (~1 ms) … */
const DECRYPTS_PER_TURN = 100;
/** … and this many entries looked at (a million looked at in one go held the loop for ~0.2 s). */
const ENTRIES_PER_TURN = 5_000;

interface Batch {
  entries: readonly AccessEntry[];
  at: number;
}

/**
 * Network passwords in clear, for PAP and CHAP (docs/network.md, "Authorize"). AES-GCM per Access-Request
 * was a tenth of the RADIUS API's CPU, and when it matters most — every subscriber reconnecting after a
 * NAS reboot — each request is that subscriber's first since the process started. So whatever the
 * directory reads is decrypted in the background, a slice per turn of the event loop (Access-Requests are
 * answered in between); a request that comes first decrypts its own.
 *
 * The clear text is kept on the directory entry (under a symbol: it never serialises with it), and an
 * entry is replaced whenever its row changes: a reset password is never answered with the old clear text.
 * The directory keeps an unchanged entry as it is, and a changed one whose ciphertext is the same takes
 * the old one's clear text (load-access.ts carryClearPassword), so the periodic full reload decrypts
 * nothing again. (A Map keyed by ciphertext took a second of the event loop per million entries to
 * rebuild, a WeakMap per entry tens of seconds.) The process holds the key anyway.
 */
export class ClearPasswords {
  private batches: Batch[] = [];
  private warming = false;
  private closed = false;
  /** Decryptions since start, for tests and diagnostics. */
  readonly stats = { decrypted: 0 };

  constructor(private readonly appSecret: string | SecretKeys) {}

  has(entry: AccessEntry): boolean {
    return entry[CLEAR_PASSWORD] !== undefined;
  }

  /** The clear text of an entry's password. Throws on a ciphertext this key cannot open. */
  get(entry: AccessEntry, passwordEnc: string): string {
    let password = entry[CLEAR_PASSWORD];
    if (password === undefined) {
      password = decryptSecret('network-password', passwordEnc, this.appSecret);
      this.stats.decrypted++;
      entry[CLEAR_PASSWORD] = password;
    }
    return password;
  }

  /** Entries the directory just put in: their passwords are decrypted in the background. */
  loaded(entries: readonly AccessEntry[]): void {
    if (this.closed || entries.length === 0) return;
    this.batches.push({ entries, at: 0 });
    if (!this.warming) {
      this.warming = true;
      setImmediate(this.warm);
    }
  }

  /** Stops warming (shutdown). */
  close(): void {
    this.closed = true;
    this.batches = [];
  }

  private readonly warm = (): void => {
    let decrypts = 0;
    let looked = 0;
    while (this.batches.length > 0 && decrypts < DECRYPTS_PER_TURN && looked < ENTRIES_PER_TURN) {
      const b = this.batches[0]!;
      if (b.at >= b.entries.length) {
        this.batches.shift();
        continue;
      }
      const e = b.entries[b.at++]!;
      looked++;
      if (!e.passwordEnc || e[CLEAR_PASSWORD] !== undefined) continue;
      decrypts++;
      try {
        this.get(e, e.passwordEnc);
      } catch {
        // A ciphertext this key cannot open: the Access-Request for it reports the fault itself.
      }
    }
    if (this.batches.length > 0) setImmediate(this.warm);
    else this.warming = false;
  };
}
