// Proves the retry schedule: every delay lies in [0, min(cap, base·2^(n−1))] (full jitter), the ceiling doubles until the cap, the same seed gives the same schedule, and draws actually spread over the range.
import { SeededRng } from '@zhirong/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

describe('retryDelayMs', () => {
  it('stays within the full-jitter bounds for any attempt and policy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (attempt, baseMs, extra, seed) => {
          const capMs = baseMs + extra;
          const delay = retryDelayMs(attempt, new SeededRng(seed), { baseMs, capMs });
          const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
          return Number.isInteger(delay) && delay >= 0 && delay <= ceiling;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is deterministic for a seed, and spreads over the whole window', () => {
    const policy = { baseMs: 1000, capMs: 60_000 };
    const a = Array.from({ length: 8 }, (_, i) => retryDelayMs(i + 1, new SeededRng(7), policy));
    const b = Array.from({ length: 8 }, (_, i) => retryDelayMs(i + 1, new SeededRng(7), policy));
    expect(a).toEqual(b);
    const rng = new SeededRng(1);
    const draws = Array.from({ length: 2000 }, () => retryDelayMs(4, rng, policy));
    expect(Math.min(...draws)).toBeLessThan(400);
    expect(Math.max(...draws)).toBeGreaterThan(7600);
    const mean = draws.reduce((s, d) => s + d, 0) / draws.length;
    expect(mean).toBeGreaterThan(3600);
    expect(mean).toBeLessThan(4400);
  });

  it('caps the delay and refuses a non-positive attempt number', () => {
    const rng = new SeededRng(3);
    for (let i = 0; i < 200; i++)
      expect(retryDelayMs(60, rng, { baseMs: 1000, capMs: 5000 })).toBeLessThanOrEqual(5000);
    expect(() => retryDelayMs(0, rng)).toThrow();
  });
});
