import type { AccessEntry } from './load-access.js';
import { decryptSecret } from './network-crypto.js';

/** Passwords decrypted per turn of the event loop while warming: about a millisecond of it. */
const SLICE = 100;

/**
 * Network passwords in clear, for PAP and CHAP (docs/network.md, "Authorize"). AES-GCM per Access-Request
 * was a tenth of the RADIUS API's CPU, and when it matters most — every subscriber reconnecting after a
 * NAS reboot — each request is that subscriber's first since the process started. So whatever the
 * directory reads is decrypted in the background, a slice per turn of the event loop (Access-Requests are
 * answered in between); a request that comes first decrypts its own.
 *
 * Keyed by the ciphertext: a changed password is stored with a new random IV, so the old clear text is
 * never served for it; after a full reload only the ciphertexts still in use are kept, and those are not
 * decrypted again. The clear text stays in the process that holds the key anyway.
 */
export class ClearPasswords {
  private clear = new Map<string, string>();
  private queue: string[] = [];
  private next = 0;
  private warming = false;
  private closed = false;
  /** Decryptions since start, for tests and diagnostics. */
  readonly stats = { decrypted: 0 };

  constructor(private readonly appSecret: string) {}

  /** The clear text of a stored password. Throws on a ciphertext this key cannot open. */
  get(passwordEnc: string): string {
    let password = this.clear.get(passwordEnc);
    if (password === undefined) {
      password = decryptSecret('network-password', passwordEnc, this.appSecret);
      this.stats.decrypted++;
      this.clear.set(passwordEnc, password);
    }
    return password;
  }

  has(passwordEnc: string): boolean {
    return this.clear.has(passwordEnc);
  }

  /** Entries the directory just read: every entry (`full`: the others are forgotten) or the changed ones. */
  loaded(entries: readonly AccessEntry[], full: boolean): void {
    if (this.closed) return;
    const kept = full ? new Map<string, string>() : this.clear;
    const todo: string[] = [];
    for (const e of entries) {
      if (!e.passwordEnc) continue;
      const password = this.clear.get(e.passwordEnc);
      if (password !== undefined) kept.set(e.passwordEnc, password);
      else todo.push(e.passwordEnc);
    }
    this.clear = kept;
    if (full) {
      this.queue = todo;
      this.next = 0;
    } else {
      for (const enc of todo) this.queue.push(enc);
    }
    if (!this.warming && this.next < this.queue.length) {
      this.warming = true;
      setImmediate(this.warm);
    }
  }

  /** Stops warming (shutdown). */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.next = 0;
  }

  private readonly warm = (): void => {
    const end = Math.min(this.next + SLICE, this.queue.length);
    for (; this.next < end; this.next++) {
      const enc = this.queue[this.next]!;
      try {
        this.get(enc);
      } catch {
        // A ciphertext this key cannot open: the Access-Request for it reports the fault itself.
      }
    }
    if (this.next < this.queue.length) {
      setImmediate(this.warm);
      return;
    }
    this.queue = [];
    this.next = 0;
    this.warming = false;
  };
}
