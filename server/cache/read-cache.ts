/**
 * A small in-process cache for the hottest reads (see docs/decisions/0005-read-caches.md): every
 * cabinet request resolves its session, and the cabinet's first screen is the overview; a database
 * round trip for each costs more than the rest of the request.
 *
 * Correctness rests on invalidation, not on the TTL alone: the owner (ReadCaches) clears every cache
 * when this process changes data (an unsafe HTTP request, a finished job) and when the database
 * notifies a change to auth tables made by any process. `generation` guards the classic race: a
 * read that started before a clear must not store its (possibly old) result after it.
 *
 * Concurrent misses of one key share one load (single flight): an entry that ends while a client's
 * parallel requests arrive (the app fires several on open, each resolving the same session) costs one
 * query, not one per request. Only a load started since the last clear is shared, so a request that
 * arrives after a change never gets what was read before it.
 */
export class ReadCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  /** Loads in flight since the last clear, by key: later misses of the key wait for the same one. */
  private readonly loading = new Map<K, Promise<V | undefined>>();
  private generation = 0;
  private enabled = true;

  constructor(
    /** How long an entry may be served at most; 0 turns the cache off. */
    private readonly ttlMs: number,
    /** Bounded memory: when full, it starts over (simpler than LRU, and a full cache is rare). */
    private readonly maxEntries = 50_000,
  ) {}

  /**
   * The cached value, or load() stored for ttl (never past `until(value)`, e.g. a session's expiry).
   * Nothing is stored when load() returns undefined or the cache was cleared while it ran.
   */
  getOrLoad(key: K, load: () => Promise<V | undefined>, until?: (value: V) => number): Promise<V | undefined> {
    const now = Date.now();
    const hit = this.peek(key, now);
    if (hit !== undefined) return Promise.resolve(hit);
    // While disabled nothing is shared either: a change by another process could go unnoticed.
    if (!this.enabled || this.ttlMs <= 0) return loadNow(load);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const loaded = this.loadAndStore(key, load, now, until);
    this.loading.set(key, loaded);
    // Forgotten once settled, unless a clear has already put a newer load in its place.
    const forget = () => {
      if (this.loading.get(key) === loaded) this.loading.delete(key);
    };
    loaded.then(forget, forget);
    return loaded;
  }

  private async loadAndStore(
    key: K,
    load: () => Promise<V | undefined>,
    now: number,
    until?: (value: V) => number,
  ): Promise<V | undefined> {
    const generation = this.generation;
    const value = await load();
    if (value === undefined || !this.enabled || generation !== this.generation) return value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: Math.min(now + this.ttlMs, until?.(value) ?? Infinity) });
    return value;
  }

  /** The cached value if there is one still to be served, without waiting for anything (the hot path). */
  peek(key: K, now = Date.now()): V | undefined {
    const hit = this.enabled ? this.entries.get(key) : undefined;
    return hit && hit.until > now ? hit.value : undefined;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  /** Off while changes could go unnoticed (the notification connection is down). */
  setEnabled(on: boolean): void {
    this.enabled = on;
    this.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** load()'s promise; a load that throws before returning one rejects it, as an async function would. */
async function loadNow<V>(load: () => Promise<V>): Promise<V> {
  return load();
}
