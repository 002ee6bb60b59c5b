// Proves FX conversion is exact and rounds in favour of the liquidity accounts: the customer never receives more than the exact converted value nor pays less than it, the spread is applied in the direction asked, and an amount bought with a fixed receipt always covers it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buyAmountFor, type FxRate, findCustomerRate, rateText, sellAmountFor } from './fx.ts';

const TABLE: FxRate[] = [
  { base: 'USD', quote: 'CNY', mid: '7.1234', spreadBps: 50 },
  { base: 'CNY', quote: 'JPY', mid: '21.05', spreadBps: 30 },
  { base: 'KWD', quote: 'USD', mid: '3.2541', spreadBps: 0 },
];
const PAIRS: [string, string][] = [
  ['USD', 'CNY'],
  ['CNY', 'USD'],
  ['CNY', 'JPY'],
  ['JPY', 'CNY'],
  ['KWD', 'USD'],
  ['USD', 'KWD'],
];
const EXPONENT: Record<string, bigint> = { USD: 2n, CNY: 2n, JPY: 0n, KWD: 3n };

describe('FX conversion', () => {
  it('applies the spread against the customer in both directions', () => {
    const direct = findCustomerRate(TABLE, 'USD', 'CNY');
    const inverse = findCustomerRate(TABLE, 'CNY', 'USD');
    expect(rateText(direct?.mid ?? { numerator: 0n, denominator: 1n })).toBe('7.1234000000');
    expect(rateText(direct?.rate ?? { numerator: 0n, denominator: 1n })).toBe('7.0877830000'); // 7.1234 × 0.995
    expect(rateText(inverse?.rate ?? { numerator: 0n, denominator: 1n })).toBe('0.1396804896'); // (1 / 7.1234) × 0.995
    expect(findCustomerRate(TABLE, 'USD', 'EUR')).toBeUndefined();
    // 100.00 USD → 708.77 CNY (708.7783 rounded down).
    expect(buyAmountFor(10000n, 'USD', 'CNY', direct?.rate ?? { numerator: 0n, denominator: 1n })).toBe(70877n);
  });

  it('never gives more than the exact value, nor less than one minor unit below it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAIRS), fc.bigInt({ min: 0n, max: 10n ** 14n }), ([sell, buy], sellMinor) => {
        const rate = findCustomerRate(TABLE, sell, buy);
        if (!rate) throw new Error('pair missing');
        const bought = buyAmountFor(sellMinor, sell, buy, rate.rate);
        // exact = sellMinor · n · 10^eb / (d · 10^es); bought ≤ exact < bought + 1
        const left = bought * rate.rate.denominator * 10n ** (EXPONENT[sell] ?? 0n);
        const exact = sellMinor * rate.rate.numerator * 10n ** (EXPONENT[buy] ?? 0n);
        expect(left <= exact).toBe(true);
        expect(exact < left + rate.rate.denominator * 10n ** (EXPONENT[sell] ?? 0n)).toBe(true);
      }),
    );
  });

  it('asks for enough to cover a fixed receipt, and not one unit more than needed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAIRS), fc.bigInt({ min: 1n, max: 10n ** 12n }), ([sell, buy], buyMinor) => {
        const rate = findCustomerRate(TABLE, sell, buy);
        if (!rate) throw new Error('pair missing');
        const needed = sellAmountFor(buyMinor, sell, buy, rate.rate);
        expect(buyAmountFor(needed, sell, buy, rate.rate) >= buyMinor).toBe(true);
        if (needed > 0n) expect(buyAmountFor(needed - 1n, sell, buy, rate.rate) < buyMinor).toBe(true);
      }),
    );
  });
});
