/**
 * @module ingestion/resolver-cache
 *
 * The resolver's optional in-process cache: Secret name to what was read (value and owner), each entry kept for a fixed TTL
 * from the moment it was read. Off by default (a TTL of 0), so a rotated secret is seen on the next
 * resolve unless the caller opts in. Only successful reads are cached: a missing or forbidden
 * Secret is asked for again next time, so fixing it takes effect at once. Values live only in this
 * Map; nothing is ever written to disk.
 */

export class ResolverCache<V = string> {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { value: V; expires: number }>();

  /** @param ttlMs entry lifetime in ms; 0 or less disables the cache. */
  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  get enabled(): boolean {
    return this.#ttlMs > 0;
  }

  /** The cached value, or undefined when absent, expired (then dropped) or disabled. */
  get(name: string): V | undefined {
    const e = this.#entries.get(name);
    if (!e) return undefined;
    if (e.expires <= this.#now()) {
      this.#entries.delete(name);
      return undefined;
    }
    return e.value;
  }

  set(name: string, value: V): void {
    if (this.enabled) this.#entries.set(name, { value, expires: this.#now() + this.#ttlMs });
  }

  /** Number of live entries (expired ones are dropped first). */
  get size(): number {
    const now = this.#now();
    for (const [k, e] of this.#entries) if (e.expires <= now) this.#entries.delete(k);
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
