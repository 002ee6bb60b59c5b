// Proves the allocation-free formatters write exactly what the reference formatters do: integers with padding, fen amounts (kernel formatAmount) and ISO timestamps (Date#toISOString).
import { formatAmount } from '@zhirong/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoWriter, putFen, putInt } from './ascii-writer.ts';

const decode = (out: Uint8Array, end: number) => Buffer.from(out.subarray(0, end)).toString('latin1');

describe('ascii writer formatters', () => {
  const out = new Uint8Array(64);

  it('writes safe integers with zero padding', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 1000 }),
          fc.maxSafeInteger().filter((n) => n >= 0),
        ),
        fc.integer({ min: 0, max: 18 }),
        (value, width) => {
          expect(decode(out, putInt(out, 0, value, width))).toBe(String(value).padStart(width, '0'));
        },
      ),
    );
    for (const value of [0, 9, 10, 99_999_999, 100_000_000, 2 ** 31, 2 ** 53 - 1])
      expect(decode(out, putInt(out, 0, value, 10))).toBe(String(value).padStart(10, '0'));
  });

  it('writes fen as the kernel formats CNY, negatives included', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), (minor) => {
        expect(decode(out, putFen(out, 0, minor))).toBe(formatAmount(minor, 'CNY'));
      }),
    );
    for (const minor of [0n, 1n, 9n, 10n, 99n, 100n, 214_748_364_800n])
      expect(decode(out, putFen(out, 0, minor))).toBe(formatAmount(minor, 'CNY'));
  });

  it('writes instants as Date#toISOString does', () => {
    const iso = new IsoWriter();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(decode(out, iso.put(out, 0, ms))).toBe(new Date(ms).toISOString());
      }),
    );
  });
});
