// Proves for generated inputs (leaning to 0, 1, 2^63-1) that parseAmount/formatAmount round-trip exactly in every currency, reject each kind of bad input with its code, and that allocations always conserve the total.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allCurrencies, findCurrency } from './currency.ts';
import { AMOUNT_MAX_MINOR, allocateByRatios, allocateEvenly, formatAmount, parseAmount } from './money.ts';
import { err, ok } from './result.ts';

const RUNS = { numRuns: 300 };
const ALL_CODES = allCurrencies().map((c) => c.code);
const EDGE_CODES = ['CNY', 'JPY', 'KWD'] as const;

function exponentOf(code: string): number {
  const currency = findCurrency(code);
  if (currency === undefined) throw new Error(`test needs currency ${code}`);
  return currency.exponent;
}

/** A currency code: the three exponents (CNY 2, JPY 0, KWD 3) most often, any known code otherwise. */
const currencyCode = fc.oneof(
  { arbitrary: fc.constantFrom(...EDGE_CODES), weight: 3 },
  { arbitrary: fc.constantFrom(...ALL_CODES), weight: 1 },
);

/** A positive amount in [1, 2^63-1], leaning to the edges. */
const positiveMinor = fc.oneof(
  { arbitrary: fc.constantFrom(1n, 2n, 9n, 10n, 99n, 100n, 1000n, AMOUNT_MAX_MINOR - 1n, AMOUNT_MAX_MINOR), weight: 1 },
  { arbitrary: fc.bigInt({ min: 1n, max: 1_000_000n }), weight: 1 },
  { arbitrary: fc.bigInt({ min: 1n, max: AMOUNT_MAX_MINOR }), weight: 2 },
);

/** A total for allocation: zero, ±1, ±2, ±(2^63-1) and anything between. */
const totalMinor = fc.oneof(
  { arbitrary: fc.constantFrom(0n, 1n, 2n, -1n, -2n, AMOUNT_MAX_MINOR, -AMOUNT_MAX_MINOR), weight: 1 },
  { arbitrary: fc.bigInt({ min: -1000n, max: 1000n }), weight: 1 },
  { arbitrary: fc.bigInt({ min: -AMOUNT_MAX_MINOR, max: AMOUNT_MAX_MINOR }), weight: 2 },
);

/** Ratios with at least one positive: zeros, ones, twos and huge weights are all common. */
const ratios = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constantFrom(0n, 1n, 2n, AMOUNT_MAX_MINOR), weight: 2 },
      { arbitrary: fc.bigInt({ min: 0n, max: 1000n }), weight: 2 },
      { arbitrary: fc.bigInt({ min: 0n, max: AMOUNT_MAX_MINOR }), weight: 1 },
    ),
    { minLength: 1, maxLength: 12 },
  )
  .filter((rs) => rs.some((r) => r > 0n));

const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
const abs = (value: bigint): bigint => (value < 0n ? -value : value);

describe('parseAmount ∘ formatAmount', () => {
  it('round-trips every positive amount in every currency', () => {
    fc.assert(
      fc.property(positiveMinor, currencyCode, (amount, code) => {
        expect(parseAmount(formatAmount(amount, code), code)).toEqual(ok(amount));
      }),
      RUNS,
    );
  });

  it('round-trips negatives with allowNegative and zero with allowZero', () => {
    fc.assert(
      fc.property(positiveMinor, currencyCode, (amount, code) => {
        expect(parseAmount(formatAmount(-amount, code), code, { allowNegative: true })).toEqual(ok(-amount));
        expect(parseAmount(formatAmount(0n, code), code, { allowZero: true })).toEqual(ok(0n));
      }),
      RUNS,
    );
  });

  it('formats with exactly the exponent digits, and formatting a parse is canonical', () => {
    fc.assert(
      fc.property(positiveMinor, currencyCode, fc.nat({ max: 4 }), fc.nat({ max: 4 }), (amount, code, lead, trail) => {
        const exponent = exponentOf(code);
        const text = formatAmount(amount, code);
        const fraction = text.split('.')[1];
        expect(fraction?.length ?? 0).toBe(exponent);
        // Leading zeros before and trailing zeros after change nothing.
        const padded = `${'0'.repeat(lead)}${text}${exponent === 0 && trail > 0 ? '.' : ''}${'0'.repeat(trail)}`;
        const parsed = parseAmount(padded, code);
        expect(parsed).toEqual(ok(amount));
        if (parsed.ok) expect(formatAmount(parsed.value, code)).toBe(text);
      }),
      RUNS,
    );
  });

  it('parses whole.fraction as whole × 10^exponent + fraction', () => {
    fc.assert(
      fc.property(
        currencyCode,
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 999n }),
        (code, whole, rawFraction) => {
          const exponent = exponentOf(code);
          const scale = 10n ** BigInt(exponent);
          const fraction = rawFraction % scale;
          const text = exponent === 0 ? `${whole}` : `${whole}.${fraction.toString().padStart(exponent, '0')}`;
          const expected = whole * scale + fraction;
          expect(parseAmount(text, code, { allowZero: true })).toEqual(ok(expected));
        },
      ),
      RUNS,
    );
  });
});

describe('parseAmount rejects', () => {
  it('more significant fraction digits than the exponent: amount_too_precise', () => {
    fc.assert(
      fc.property(
        currencyCode,
        fc.bigInt({ min: 0n, max: AMOUNT_MAX_MINOR }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        (code, whole, extra, lastDigit, trailingZeros, negative) => {
          const exponent = exponentOf(code);
          const fraction = `${'0'.repeat(exponent + extra - 1)}${lastDigit}${'0'.repeat(trailingZeros)}`;
          const text = `${negative ? '-' : ''}${whole}.${fraction}`;
          expect(parseAmount(text, code, { allowNegative: true, allowZero: true })).toEqual(err('amount_too_precise'));
        },
      ),
      RUNS,
    );
  });

  it('a minus sign without allowNegative: amount_negative', () => {
    fc.assert(
      fc.property(positiveMinor, currencyCode, (amount, code) => {
        const text = formatAmount(-amount, code);
        expect(parseAmount(text, code)).toEqual(err('amount_negative'));
        expect(parseAmount(text, code, { allowZero: true })).toEqual(err('amount_negative'));
      }),
      RUNS,
    );
  });

  it('zero without allowZero: amount_zero', () => {
    fc.assert(
      fc.property(
        currencyCode,
        fc.integer({ min: 1, max: 5 }),
        fc.nat({ max: 5 }),
        fc.boolean(),
        (code, wholeZeros, fractionZeros, negative) => {
          const text = `${negative ? '-' : ''}${'0'.repeat(wholeZeros)}${fractionZeros > 0 ? `.${'0'.repeat(fractionZeros)}` : ''}`;
          expect(parseAmount(text, code, { allowNegative: true })).toEqual(err('amount_zero'));
          expect(parseAmount(text, code, { allowNegative: true, allowZero: true })).toEqual(ok(0n));
        },
      ),
      RUNS,
    );
  });

  it('more than 2^63-1 minor units: amount_too_large', () => {
    const aboveMax = fc.oneof(
      { arbitrary: fc.constantFrom(AMOUNT_MAX_MINOR + 1n, AMOUNT_MAX_MINOR + 2n, 2n ** 64n, 10n ** 40n), weight: 1 },
      { arbitrary: fc.bigInt({ min: AMOUNT_MAX_MINOR + 1n, max: 2n ** 64n }), weight: 2 },
      { arbitrary: fc.bigInt({ min: AMOUNT_MAX_MINOR + 1n, max: 10n ** 80n }), weight: 1 },
    );
    fc.assert(
      fc.property(aboveMax, currencyCode, fc.boolean(), (amount, code, negative) => {
        const text = formatAmount(negative ? -amount : amount, code);
        expect(parseAmount(text, code, { allowNegative: true })).toEqual(err('amount_too_large'));
      }),
      RUNS,
    );
  });

  it('anything that is not plain decimal notation: amount_malformed', () => {
    const plainDecimal = /^-?\d+(?:\.\d+)?$/;
    const nearMiss = fc
      .array(fc.constantFrom('0', '1', '9', '.', '-', '+', 'e', 'E', ' ', ',', 'x', '_', '\n'), { maxLength: 8 })
      .map((chars) => chars.join(''))
      .filter((text) => !plainDecimal.test(text));
    fc.assert(
      fc.property(
        fc.oneof(
          nearMiss,
          fc.string().filter((text) => !plainDecimal.test(text)),
        ),
        currencyCode,
        (text, code) => {
          expect(parseAmount(text, code, { allowNegative: true, allowZero: true })).toEqual(err('amount_malformed'));
        },
      ),
      RUNS,
    );
  });

  it('an unknown currency: currency_unknown, whatever the amount', () => {
    const known = new Set<string>(ALL_CODES);
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 4 }), fc.stringMatching(/^[A-Za-z]{3}$/)).filter((code) => !known.has(code)),
        fc.oneof(fc.constant('1'), fc.string()),
        (code, text) => {
          expect(parseAmount(text, code)).toEqual(err('currency_unknown'));
        },
      ),
      RUNS,
    );
  });
});

describe('allocateEvenly', () => {
  it('sums exactly to the total, parts differ by at most one, extras go first', () => {
    fc.assert(
      fc.property(totalMinor, fc.oneof(fc.constantFrom(1, 2, 3), fc.integer({ min: 1, max: 200 })), (total, parts) => {
        const shares = allocateEvenly(total, parts);
        expect(shares).toHaveLength(parts);
        expect(sum(shares)).toBe(total);
        const magnitudes = shares.map(abs);
        const ascending = magnitudes.toSorted((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const min = ascending[0] ?? 0n;
        const max = ascending.at(-1) ?? 0n;
        expect(max - min <= 1n).toBe(true);
        for (let i = 1; i < magnitudes.length; i++)
          expect((magnitudes[i] ?? 0n) <= (magnitudes[i - 1] ?? 0n)).toBe(true);
        for (const share of shares) expect(total === 0n || share === 0n || share < 0n === total < 0n).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('allocateByRatios', () => {
  it('sums exactly to the total', () => {
    fc.assert(
      fc.property(totalMinor, ratios, (total, rs) => {
        const shares = allocateByRatios(total, rs);
        expect(shares).toHaveLength(rs.length);
        expect(sum(shares)).toBe(total);
      }),
      RUNS,
    );
  });

  it('gives a zero ratio nothing', () => {
    fc.assert(
      fc.property(totalMinor, ratios, (total, rs) => {
        const shares = allocateByRatios(total, rs);
        rs.forEach((ratio, i) => {
          if (ratio === 0n) expect(shares[i]).toBe(0n);
        });
      }),
      RUNS,
    );
  });

  it('keeps each part within one unit of its exact share, on the floor side or one above', () => {
    fc.assert(
      fc.property(totalMinor, ratios, (total, rs) => {
        const ratioSum = sum(rs);
        const shares = allocateByRatios(total, rs);
        rs.forEach((ratio, i) => {
          // share − total·ratio/ratioSum, scaled by ratioSum to stay in integers: strictly inside (−ratioSum, ratioSum).
          const error = (shares[i] ?? 0n) * ratioSum - total * ratio;
          expect(abs(error) < ratioSum).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('splits a negative total as the mirror of its magnitude', () => {
    fc.assert(
      fc.property(totalMinor, ratios, (total, rs) => {
        expect(allocateByRatios(-total, rs)).toEqual(allocateByRatios(total, rs).map((s) => -s));
      }),
      RUNS,
    );
  });

  it('is deterministic and does not depend on the scale of the ratios', () => {
    fc.assert(
      fc.property(totalMinor, ratios, fc.bigInt({ min: 1n, max: 1000n }), (total, rs, scale) => {
        const first = allocateByRatios(total, rs);
        expect(allocateByRatios(total, [...rs])).toEqual(first);
        expect(
          allocateByRatios(
            total,
            rs.map((r) => r * scale),
          ),
        ).toEqual(first);
      }),
      RUNS,
    );
  });

  it('agrees with allocateEvenly for equal ratios', () => {
    fc.assert(
      fc.property(
        totalMinor,
        fc.integer({ min: 1, max: 50 }),
        fc.bigInt({ min: 1n, max: AMOUNT_MAX_MINOR }),
        (total, parts, r) => {
          expect(
            allocateByRatios(
              total,
              Array.from({ length: parts }, () => r),
            ),
          ).toEqual(allocateEvenly(total, parts));
        },
      ),
      RUNS,
    );
  });
});
