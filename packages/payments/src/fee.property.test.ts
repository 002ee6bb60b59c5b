// Proves the merchant-discount fee split and its refund share: fee + net is exactly the amount, the fee is the exact product rounded half up, it grows with the amount, and any sequence of partial refunds returns in total exactly the whole fee — never more.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feeReturned, merchantFee, parseMdr } from './fee.ts';
import { parseDecimal } from './rate.ts';

const amount = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 49n, 50n, 99n, 100n, 2n ** 62n),
  fc.bigInt({ min: 0n, max: 10n ** 15n }),
);
const rateText = fc
  .tuple(fc.integer({ min: 0, max: 2000 }), fc.constantFrom(4, 5, 6))
  .map(([n, digits]) => (n / 10 ** digits).toFixed(digits));

describe('merchantFee', () => {
  it('splits an amount exactly into fee and net, rounding the fee half up', () => {
    fc.assert(
      fc.property(amount, rateText, (amountMinor, text) => {
        const rate = parseMdr(text);
        expect(rate).toBeDefined();
        if (!rate) return;
        const { feeMinor, netMinor } = merchantFee(amountMinor, rate);
        expect(feeMinor + netMinor).toBe(amountMinor);
        expect(feeMinor >= 0n && feeMinor <= amountMinor).toBe(true);
        // |fee − amount × rate| ≤ ½ unit, ties up: 2·(fee·d − amount·n) ∈ (−d, d].
        const twice = 2n * (feeMinor * rate.denominator - amountMinor * rate.numerator);
        expect(twice > -rate.denominator && twice <= rate.denominator).toBe(true);
      }),
    );
  });

  it('never gives a larger amount a smaller fee', () => {
    fc.assert(
      fc.property(amount, amount, rateText, (a, b, text) => {
        const rate = parseMdr(text);
        if (!rate) return;
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(merchantFee(low, rate).feeMinor <= merchantFee(high, rate).feeMinor).toBe(true);
      }),
    );
  });

  it('rounds the documented examples', () => {
    const rate = parseMdr('0.006') as NonNullable<ReturnType<typeof parseMdr>>;
    expect(merchantFee(10000n, rate)).toEqual({ feeMinor: 60n, netMinor: 9940n }); // 100.00 × 0.6 % = 0.60
    expect(merchantFee(125n, rate).feeMinor).toBe(1n); // 0.75 fen → 1 fen (half up)
    expect(merchantFee(83n, rate).feeMinor).toBe(0n); // 0.498 fen → 0
    expect(merchantFee(84n, rate).feeMinor).toBe(1n); // 0.504 fen → 1
  });

  it('accepts rates from 0 to 0.2 only', () => {
    expect(parseMdr('0')).toEqual({ numerator: 0n, denominator: 1n });
    expect(parseMdr('0.2')).toBeDefined();
    for (const bad of ['0.2000001', '1', '-0.01', '1e-3', '.5', '0.5.1', '', 'abc'])
      expect(parseMdr(bad), bad).toBeUndefined();
  });
});

describe('feeReturned', () => {
  it('returns the whole fee, and never more, over any sequence of partial refunds', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        rateText,
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }),
        (amountMinor, text, weights) => {
          const rate = parseDecimal(text);
          if (!rate) return;
          const { feeMinor } = merchantFee(amountMinor, rate);
          // Split the amount into refunds in proportion to the weights (the last one takes the rest).
          const total = weights.reduce((s, w) => s + BigInt(w), 0n);
          let refunded = 0n;
          let returned = 0n;
          for (const [i, w] of weights.entries()) {
            const part = i === weights.length - 1 ? amountMinor - refunded : (amountMinor * BigInt(w)) / total;
            if (part <= 0n) continue;
            const share = feeReturned(feeMinor, amountMinor, refunded, part);
            expect(share >= 0n).toBe(true);
            refunded += part;
            returned += share;
            expect(returned <= feeMinor).toBe(true);
          }
          expect(refunded).toBe(amountMinor);
          expect(returned).toBe(feeMinor);
        },
      ),
    );
  });
});
