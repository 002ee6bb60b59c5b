import { assert, type Rng } from '@zhirong/kernel';

/** Retry schedule of failed deliveries: exponential backoff with full jitter. */
export interface BackoffPolicy {
  /** Ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** No delay ever exceeds this. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 10_000, capMs: 6 * 60 * 60 * 1000 });

/**
 * The wait before the next attempt after `failedAttempts` consecutive failures (≥ 1): a uniform
 * draw from [0, min(cap, base · 2^(failedAttempts − 1))] ("full jitter", as in the AWS
 * architecture blog's comparison): retries of many deliveries that failed together spread out
 * instead of arriving at the receiver in waves.
 */
export function retryDelayMs(failedAttempts: number, rng: Rng, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  assert(Number.isSafeInteger(failedAttempts) && failedAttempts >= 1, 'failedAttempts is a positive integer');
  assert(policy.baseMs >= 1 && policy.capMs >= policy.baseMs, 'backoff needs 1 ≤ base ≤ cap');
  // 2^52 overflows nothing and is far above any cap: clamp the exponent before it matters.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failedAttempts - 1, 52));
  return rng.int(Math.floor(ceiling) + 1);
}
