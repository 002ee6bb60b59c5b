import { assert } from '@zhirong/kernel';

/**
 * Verified keys held in memory for a short time, so thousands of requests a second do not each
 * read the database. Bounded: past `sizeMax` the oldest entry goes. An entry older than `ttlMs`
 * is not used, so a key revoked by another process stops working within `ttlMs`; a revocation in
 * this process evicts the entry at once.
 */
export interface KnownKey {
  readonly kind: 'known';
  readonly digest: Uint8Array;
  readonly scopes: readonly string[];
  readonly expiresAtMs: number | null;
  readonly revoked: boolean;
}

/** A well-formed key id with no row behind it: cached too, so a flood of made-up ids cannot reach the database. */
export interface UnknownKey {
  readonly kind: 'unknown';
}

export type CachedKey = KnownKey | UnknownKey;

export class KeyCache {
  readonly #entries = new Map<string, { value: CachedKey; cachedAtMs: number }>();
  readonly #ttlMs: number;
  readonly #sizeMax: number;

  constructor(ttlMs: number, sizeMax: number) {
    assert(Number.isSafeInteger(ttlMs) && ttlMs >= 0, 'cache TTL must be a whole number of ms');
    assert(Number.isSafeInteger(sizeMax) && sizeMax > 0, 'cache size must be positive');
    this.#ttlMs = ttlMs;
    this.#sizeMax = sizeMax;
  }

  get(keyId: string, nowMs: number): CachedKey | undefined {
    const entry = this.#entries.get(keyId);
    if (entry === undefined) return undefined;
    if (nowMs - entry.cachedAtMs >= this.#ttlMs || nowMs < entry.cachedAtMs) {
      this.#entries.delete(keyId);
      return undefined;
    }
    return entry.value;
  }

  set(keyId: string, value: CachedKey, nowMs: number): void {
    this.#entries.delete(keyId);
    if (this.#entries.size >= this.#sizeMax) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(keyId, { value, cachedAtMs: nowMs });
  }

  delete(keyId: string): void {
    this.#entries.delete(keyId);
  }

  get size(): number {
    return this.#entries.size;
  }
}
