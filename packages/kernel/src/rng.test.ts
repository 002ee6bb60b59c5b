// Proves that SeededRng is deterministic SplitMix64 (same seed, same sequence) and that every Rng stays in range: bytes of the asked length, floats in [0, 1), ints in [0, bound).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from './assert.ts';
import { cryptoRng, type Rng, SeededRng } from './rng.ts';

function word64(rng: Rng): bigint {
  return new DataView(rng.bytes(8).buffer).getBigUint64(0, true);
}

const seed = fc.oneof(
  fc.constantFrom<number | bigint>(0, 1, 2, 2n ** 63n - 1n, 2n ** 64n - 1n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.nat(),
);

describe('SeededRng', () => {
  it('matches the SplitMix64 reference outputs', () => {
    expect(word64(new SeededRng(0))).toBe(0xe220a8397b1dcdafn);
    const rng = new SeededRng(1234567);
    expect([word64(rng), word64(rng), word64(rng)]).toEqual([
      6457827717110365317n,
      3203168211198807973n,
      9817491932198370423n,
    ]);
  });

  it('reduces seeds modulo 2^64', () => {
    expect(word64(new SeededRng(2n ** 64n + 5n))).toBe(word64(new SeededRng(5)));
    expect(word64(new SeededRng(-1))).toBe(word64(new SeededRng(2n ** 64n - 1n)));
  });

  it('repeats the same mixed sequence for the same seed', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(fc.constantFrom('bytes', 'float', 'int'), { minLength: 1, maxLength: 30 }),
        (s, calls) => {
          const run = (rng: Rng) =>
            calls.map((call) =>
              call === 'bytes' ? Array.from(rng.bytes(11)) : call === 'float' ? rng.float() : rng.int(97),
            );
          expect(run(new SeededRng(s))).toEqual(run(new SeededRng(s)));
        },
      ),
    );
  });

  it('gives different sequences for different seeds', () => {
    fc.assert(
      fc.property(seed, seed, (a, b) => {
        fc.pre(BigInt.asUintN(64, BigInt(a)) !== BigInt.asUintN(64, BigInt(b)));
        expect(new SeededRng(a).bytes(32)).not.toEqual(new SeededRng(b).bytes(32));
      }),
    );
  });

  it('serves bytes as a little-endian stream of 64-bit words, for any length', () => {
    const whole = new SeededRng(9).bytes(24);
    const rng = new SeededRng(9);
    expect(rng.bytes(8)).toEqual(whole.slice(0, 8));
    expect(rng.bytes(16)).toEqual(whole.slice(8, 24));
    for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 100]) expect(new SeededRng(3).bytes(length)).toHaveLength(length);
    // A partial word is discarded: the next call starts on a fresh word.
    const partial = new SeededRng(9);
    partial.bytes(3);
    expect(partial.bytes(8)).toEqual(whole.slice(8, 16));
  });

  it('spreads ints evenly enough over a small range', () => {
    const rng = new SeededRng(2026);
    const counts = new Array<number>(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) {
      const n = rng.int(10);
      counts[n] = (counts[n] ?? 0) + 1;
    }
    // Chi-square with 9 degrees of freedom; 27.88 is the 0.999 quantile.
    const expected = draws / 10;
    const chiSquare = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.88);
  });
});

describe.each([
  ['SeededRng', () => new SeededRng(123)],
  ['cryptoRng', () => cryptoRng],
] as const)('%s ranges', (_name, make) => {
  it('floats are in [0, 1) and ints in [0, bound)', () => {
    const rng = make();
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(1, 2, 3, 2 ** 32, Number.MAX_SAFE_INTEGER), fc.integer({ min: 1, max: 1000 })),
        (bound) => {
          const f = rng.float();
          expect(f >= 0 && f < 1).toBe(true);
          const n = rng.int(bound);
          expect(Number.isSafeInteger(n) && n >= 0 && n < bound).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    expect(rng.int(1)).toBe(0);
  });

  it('bytes have the asked length', () => {
    const rng = make();
    for (const length of [0, 1, 16, 33]) expect(rng.bytes(length)).toHaveLength(length);
  });

  it('asserts a positive safe integer bound', () => {
    const rng = make();
    for (const bound of [0, -1, 1.5, Number.NaN, 2 ** 53]) expect(() => rng.int(bound)).toThrow(AssertionError);
  });
});
