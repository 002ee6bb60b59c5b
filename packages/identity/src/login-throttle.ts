/**
 * Failed sign-ins per client address, in memory: at most `failuresMax` failures in any window of
 * `windowMs`; beyond that every attempt from the address is refused until the oldest failure ages
 * out. Per-user lockout (in the database, shared by every process) stops guessing one user's
 * password; this stops one address from guessing across many user names. Bounded: at most
 * `addressesMax` addresses are tracked, the least recently failing dropped first.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    readonly windowMs: number,
    readonly failuresMax: number,
    readonly addressesMax = 10_000,
  ) {}

  /** Milliseconds until `address` may try again, or 0 when it may try now. */
  retryAfterMs(address: string, nowMs: number): number {
    const recent = this.#recent(address, nowMs);
    if (recent.length < this.failuresMax) return 0;
    return (recent[recent.length - this.failuresMax] ?? nowMs) + this.windowMs - nowMs;
  }

  recordFailure(address: string, nowMs: number): void {
    const recent = this.#recent(address, nowMs);
    recent.push(nowMs);
    if (recent.length > this.failuresMax) recent.splice(0, recent.length - this.failuresMax);
    this.#failures.delete(address);
    this.#failures.set(address, recent);
    while (this.#failures.size > this.addressesMax) {
      const oldest = this.#failures.keys().next().value;
      if (oldest === undefined) break;
      this.#failures.delete(oldest);
    }
  }

  recordSuccess(address: string): void {
    this.#failures.delete(address);
  }

  #recent(address: string, nowMs: number): number[] {
    const times = this.#failures.get(address) ?? [];
    return times.filter((t) => t > nowMs - this.windowMs);
  }
}
