import type { Database } from '../../db/client.js';
import {
  type AccessEntry,
  accessEntry,
  type AccessRow,
  carryClearPassword,
  loadAccess,
  loadAccessRows,
  loadNas,
  type NasEntry,
  sameAccess,
  SEEN,
} from './load-access.js';

/** The channel post-migrate.sql's triggers notify when network state changes. */
export const NETWORK_CHANNEL = 'abonent_network';

/** More changed accounts than this at once are read by a full reload instead. */
const PARTIAL_LIMIT = 20_000;

/**
 * Rows a full reload compares with the maps per turn of the event loop (a few ms). A million in one go
 * held it for 2–3 s, longer than FreeRADIUS waits for an answer (rlm_rest timeout 2 s).
 */
const RELOAD_SLICE = 5_000;

/**
 * The RADIUS answers in memory (docs/decisions/0007): every account's network access, status and speed,
 * and the NAS registry, read once and kept current by the database's change notifications — so an
 * Access-Request costs no query, and authorization goes on from the last known state while the
 * database is unreachable. After any gap in the notifications (the LISTEN connection dropped) the whole
 * directory is read again; a periodic full reload is the backstop.
 */
export class NetworkDirectory {
  private byAccount = new Map<number, AccessEntry>();
  private byLogin = new Map<string, AccessEntry>();
  private byMac = new Map<string, AccessEntry>();
  private byOpt82 = new Map<string, AccessEntry>();
  private nasByAddress = new Map<string, NasEntry>();
  private nasById = new Map<number, NasEntry>();

  /** True while notifications flow and the last reload succeeded: the memory is current. */
  current = false;
  loadedAt: Date | null = null;
  private ready: Promise<void>;
  private markReady!: () => void;
  private isReady = false;
  private pending = new Set<number>();
  private fullPending = false;
  private nasPending = false;
  private running: Promise<void> | null = null;
  /** Reads started, and the number of the newest one that succeeded (what `refresh` waits for). */
  private readsStarted = 0;
  private lastGoodRead = 0;
  private timer: NodeJS.Timeout | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private listeners: ((accountIds: number[] | '*') => void)[] = [];
  /** Full reads done (an entry's SEEN is the last one that found it). */
  private fullReads = 0;

  constructor(
    private readonly database: Database,
    private readonly opts: {
      reloadSeconds: number;
      log?: (msg: string, extra?: object) => void;
      /**
       * Entries a read put in the maps, new or changed (ClearPasswords decrypts their passwords ahead; an
       * unchanged password's clear text has been carried over already).
       */
      onLoaded?: (entries: readonly AccessEntry[]) => void;
    },
  ) {
    this.ready = new Promise((r) => (this.markReady = r));
  }

  /**
   * Reads everything and keeps reading periodically. Changes arrive through `notify` and the state of
   * the LISTEN connection through `listening` (NetworkRuntime owns the connection).
   */
  start(): Promise<void> {
    this.reloadTimer = setInterval(() => this.reloadAll(), this.opts.reloadSeconds * 1000);
    this.reloadTimer.unref();
    this.reloadAll();
    return Promise.resolve();
  }

  /** The LISTEN connection came up (reload all: notifications may have been missed) or went down. */
  listening(on: boolean): void {
    if (on) this.reloadAll();
    else this.current = false;
  }

  private reloadAll() {
    this.fullPending = true;
    this.nasPending = true;
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    await this.running?.catch(() => {});
  }

  /** The first full read is done (answers come from memory from then on). */
  get loaded(): boolean {
    return this.isReady;
  }

  /** Resolves when the directory has been read once (at most `ms` later: then false). */
  async whenReady(ms = 10_000): Promise<boolean> {
    if (this.isReady) return true;
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => (t = setTimeout(() => r(false), ms)));
    const ok = await Promise.race([this.ready.then(() => true), timeout]);
    clearTimeout(t);
    return ok;
  }

  /** Called with the accounts whose network state changed ('*': possibly all). */
  onChange(listener: (accountIds: number[] | '*') => void): void {
    this.listeners.push(listener);
  }

  byLoginName(login: string): AccessEntry | undefined {
    return this.byLogin.get(login);
  }
  byMacAddress(mac: string): AccessEntry | undefined {
    return this.byMac.get(mac);
  }
  byOption82(remoteId: string, circuitId: string): AccessEntry | undefined {
    return this.byOpt82.get(`${remoteId}|${circuitId}`) ?? this.byOpt82.get(`|${circuitId}`);
  }
  byAccountId(id: number): AccessEntry | undefined {
    return this.byAccount.get(id);
  }
  nasAt(address: string): NasEntry | undefined {
    return this.nasByAddress.get(address);
  }
  nas(id: number): NasEntry | undefined {
    return this.nasById.get(id);
  }
  get size(): number {
    return this.byAccount.size;
  }

  /**
   * Reads the given accounts again now (a change this process made and must see at once): resolves once
   * a read that started after the call has succeeded. Awaiting one drain is not enough — a drain past
   * its last read, in the moment before it is cleared, would resolve without reading these accounts.
   */
  async refresh(accountIds: number[]): Promise<void> {
    for (const id of accountIds) this.pending.add(id);
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (accountIds.length === 0) return this.drain();
    const asked = this.readsStarted;
    while (!this.closed && this.lastGoodRead <= asked) await this.drain();
  }

  /** A change notification's payload (see post-migrate.sql). */
  notify(payload: string): void {
    if (payload === '*') this.fullPending = true;
    else if (payload === 'nas') this.nasPending = true;
    else if (payload.startsWith('a:')) {
      const ids: number[] = [];
      for (const part of payload.slice(2).split(',')) {
        const id = Number(part);
        if (Number.isSafeInteger(id) && id > 0) {
          this.pending.add(id);
          ids.push(id);
        }
      }
      if (this.pending.size > PARTIAL_LIMIT) this.fullPending = true;
      this.emit(ids);
    }
    if (payload === '*') this.emit('*');
    // A short pause gathers the notifications of one busy moment into one read.
    this.schedule(20);
  }

  private emit(ids: number[] | '*') {
    if (ids !== '*' && ids.length === 0) return;
    for (const l of this.listeners) {
      try {
        l(ids);
      } catch (e) {
        this.opts.log?.('network change listener failed', { err: String(e) });
      }
    }
  }

  private schedule(ms: number) {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, ms);
  }

  private drain(): Promise<void> {
    if (this.running) return this.running;
    // Cleared by identity in a callback, never inside the loop's own `finally`: with nothing pending the
    // loop ends synchronously, before `running` is even assigned, and would leave a settled promise in
    // `running` for good — after which no notification or periodic reload was ever read again.
    const run = this.loadWhilePending().finally(() => {
      if (this.running !== run) return;
      this.running = null;
      if (this.hasPending()) this.schedule(0);
    });
    this.running = run;
    return run;
  }

  private hasPending(): boolean {
    return this.fullPending || this.nasPending || this.pending.size > 0;
  }

  private async loadWhilePending(): Promise<void> {
    while (!this.closed && this.hasPending()) await this.loadOnce();
  }

  private async loadOnce() {
    const db = this.database.db;
    const read = ++this.readsStarted;
    try {
      if (this.nasPending) {
        this.nasPending = false;
        const list = await loadNas(db);
        this.nasByAddress = new Map(list.map((n) => [n.address, n]));
        this.nasById = new Map(list.map((n) => [n.id, n]));
      }
      if (this.fullPending || !this.isReady) {
        this.fullPending = false;
        this.pending.clear();
        // Not inside `onLoaded?.(…)`: without a listener the argument would not be evaluated at all.
        const put = await this.reconcile(await loadAccessRows(db));
        this.opts.onLoaded?.(put);
        this.loadedAt = new Date();
        this.current = true;
        if (!this.isReady) {
          this.isReady = true;
          this.markReady();
        }
      } else if (this.pending.size > 0) {
        const ids = [...this.pending];
        this.pending.clear();
        const fresh = await loadAccess(db, ids);
        const found = new Set(fresh.map((e) => e.accountId));
        for (const id of ids) if (!found.has(id)) this.remove(id);
        for (const e of fresh) this.put(e);
        this.opts.onLoaded?.(fresh);
      }
      this.lastGoodRead = read;
    } catch (e) {
      // The database is unreachable: keep what we have and try again shortly.
      this.current = false;
      this.fullPending = true;
      this.nasPending = true;
      this.opts.log?.('network directory reload failed', { err: String(e) });
      await new Promise((r) => setTimeout(r, 1000).unref());
    }
  }

  /**
   * Brings the maps in line with a full read in place, a slice of rows per turn of the event loop
   * (Access-Requests are answered in between): an unchanged entry is kept as it is — the periodic reload
   * of a million accounts allocates, decrypts and rehashes nothing; a changed one is replaced, an account
   * no longer read is removed. Building new maps and swapping them in held the loop ~0.2 s per million
   * while the maps grew. Returns the entries put in.
   */
  private async reconcile(rows: AccessRow[]): Promise<AccessEntry[]> {
    const read = ++this.fullReads;
    const put: AccessEntry[] = [];
    let accounts = 0;
    for (let i = 0; i < rows.length; i++) {
      if (i > 0 && i % RELOAD_SLICE === 0) await nextTurn();
      const e = accessEntry(rows[i]!);
      const old = this.byAccount.get(e.accountId);
      if (old?.[SEEN] !== read) accounts++;
      if (old && sameAccess(old, e)) {
        old[SEEN] = read;
        continue;
      }
      e[SEEN] = read;
      this.put(e);
      put.push(e);
    }
    // Accounts no longer read (their network access deleted) are the entries this read did not mark.
    if (this.byAccount.size > accounts) {
      let i = 0;
      for (const e of this.byAccount.values()) {
        if (++i % RELOAD_SLICE === 0) await nextTurn();
        if (e[SEEN] !== read) this.remove(e.accountId);
      }
    }
    return put;
  }

  private remove(accountId: number) {
    const old = this.byAccount.get(accountId);
    if (!old) return;
    this.byAccount.delete(accountId);
    const login = loginKey(old);
    const mac = macKey(old);
    const opt82 = opt82Key(old);
    if (login && this.byLogin.get(login) === old) this.byLogin.delete(login);
    if (mac && this.byMac.get(mac) === old) this.byMac.delete(mac);
    if (opt82 && this.byOpt82.get(opt82) === old) this.byOpt82.delete(opt82);
  }

  private put(e: AccessEntry) {
    const old = this.byAccount.get(e.accountId);
    const login = loginKey(e);
    const mac = macKey(e);
    const opt82 = opt82Key(e);
    if (old) {
      carryClearPassword(old, e);
      // A key that stays is overwritten in place: taking it out and adding it again leaves a deleted slot
      // per entry, and a Map compacts a million of those in one go (~0.5 s of the event loop).
      const [oldLogin, oldMac, oldOpt82] = [loginKey(old), macKey(old), opt82Key(old)];
      if (oldLogin && oldLogin !== login && this.byLogin.get(oldLogin) === old) this.byLogin.delete(oldLogin);
      if (oldMac && oldMac !== mac && this.byMac.get(oldMac) === old) this.byMac.delete(oldMac);
      if (oldOpt82 && oldOpt82 !== opt82 && this.byOpt82.get(oldOpt82) === old) this.byOpt82.delete(oldOpt82);
    }
    this.byAccount.set(e.accountId, e);
    if (login) this.byLogin.set(login, e);
    if (mac) this.byMac.set(mac, e);
    if (opt82) this.byOpt82.set(opt82, e);
  }
}

/**
 * The keys an entry is found by (docs/network.md, "Who is who"): a PPPoE entry by its login only, an IPoE
 * entry by its MAC and Option 82 only — so a MAC typed as a login, or an Option 82 added to a PPPoE
 * request, never finds an IPoE neighbour, and a PPPoE entry's bound MAC identifies nobody.
 */
const loginKey = (e: AccessEntry) => (e.accessType === 'pppoe' ? e.login : null);
const macKey = (e: AccessEntry) => (e.accessType === 'ipoe' ? e.mac : null);
const opt82Key = (e: AccessEntry) => (e.accessType === 'ipoe' ? e.opt82 : null);

const nextTurn = () => new Promise((r) => setImmediate(r));
