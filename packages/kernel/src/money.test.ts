// Proves by example that amounts parse and format exactly per currency exponent, that each bad input gets its one error code, and that allocation splits exactly.
import { describe, expect, it } from 'vitest';
import { AssertionError } from './assert.ts';
import { allCurrencies, findCurrency, findCurrencyByNumeric, isCurrencyCode } from './currency.ts';
import {
  AMOUNT_MAX_MINOR,
  allocateByRatios,
  allocateEvenly,
  formatAmount,
  money,
  parseAmount,
  requireCurrency,
} from './money.ts';
import { err, ok } from './result.ts';

describe('currency table', () => {
  it('knows the exponents of CNY, JPY and KWD', () => {
    expect(findCurrency('CNY')?.exponent).toBe(2);
    expect(findCurrency('JPY')?.exponent).toBe(0);
    expect(findCurrency('KWD')?.exponent).toBe(3);
  });

  it('looks up by ISO 4217 numeric code', () => {
    expect(findCurrencyByNumeric('156')?.code).toBe('CNY');
    expect(findCurrencyByNumeric('392')?.code).toBe('JPY');
    expect(findCurrencyByNumeric('036')?.code).toBe('AUD');
    expect(findCurrencyByNumeric('36')).toBeUndefined();
    expect(findCurrencyByNumeric('999')).toBeUndefined();
  });

  it('matches codes exactly, in upper case', () => {
    expect(isCurrencyCode('CNY')).toBe(true);
    expect(isCurrencyCode('cny')).toBe(false);
    expect(isCurrencyCode('XXX')).toBe(false);
    expect(findCurrency(' CNY')).toBeUndefined();
  });

  it('has unique, well-formed codes and numerics and frozen entries', () => {
    const currencies = allCurrencies();
    expect(new Set(currencies.map((c) => c.code)).size).toBe(currencies.length);
    expect(new Set(currencies.map((c) => c.numeric)).size).toBe(currencies.length);
    for (const c of currencies) {
      expect(c.code).toMatch(/^[A-Z]{3}$/);
      expect(c.numeric).toMatch(/^\d{3}$/);
      expect([0, 2, 3]).toContain(c.exponent);
      expect(Object.isFrozen(c)).toBe(true);
    }
  });
});

describe('parseAmount', () => {
  it('parses major units into exact minor units', () => {
    expect(parseAmount('1500.00', 'CNY')).toEqual(ok(150_000n));
    expect(parseAmount('0.5', 'CNY')).toEqual(ok(50n));
    expect(parseAmount('0.01', 'CNY')).toEqual(ok(1n));
    expect(parseAmount('12', 'CNY')).toEqual(ok(1200n));
    expect(parseAmount('12', 'JPY')).toEqual(ok(12n));
    expect(parseAmount('1.234', 'KWD')).toEqual(ok(1234n));
    expect(parseAmount('0.001', 'KWD')).toEqual(ok(1n));
    expect(parseAmount('007.10', 'CNY')).toEqual(ok(710n));
  });

  it('accepts trailing zeros beyond the exponent', () => {
    expect(parseAmount('1.500', 'CNY')).toEqual(ok(150n));
    expect(parseAmount('1.0', 'JPY')).toEqual(ok(1n));
    expect(parseAmount('1.000000', 'JPY')).toEqual(ok(1n));
    expect(parseAmount('0.0010', 'KWD')).toEqual(ok(1n));
  });

  it('rejects more significant fraction digits than the exponent', () => {
    expect(parseAmount('1.001', 'CNY')).toEqual(err('amount_too_precise'));
    expect(parseAmount('1.5', 'JPY')).toEqual(err('amount_too_precise'));
    expect(parseAmount('0.0001', 'KWD')).toEqual(err('amount_too_precise'));
    expect(parseAmount('-0.001', 'CNY', { allowNegative: true })).toEqual(err('amount_too_precise'));
  });

  it('rejects negatives unless allowed', () => {
    expect(parseAmount('-1', 'CNY')).toEqual(err('amount_negative'));
    expect(parseAmount('-1', 'CNY', { allowNegative: true })).toEqual(ok(-100n));
    expect(parseAmount('-0.01', 'CNY', { allowNegative: true })).toEqual(ok(-1n));
  });

  it('rejects zero unless allowed, in every spelling', () => {
    for (const text of ['0', '00', '0.0', '0.00', '0.000000', '-0', '-0.00']) {
      expect(parseAmount(text, 'CNY')).toEqual(err('amount_zero'));
      expect(parseAmount(text, 'CNY', { allowZero: true })).toEqual(ok(0n));
    }
  });

  it('accepts exactly 2^63-1 minor units and rejects one more', () => {
    expect(parseAmount('9223372036854775807', 'JPY')).toEqual(ok(AMOUNT_MAX_MINOR));
    expect(parseAmount('92233720368547758.07', 'CNY')).toEqual(ok(AMOUNT_MAX_MINOR));
    expect(parseAmount('9223372036854775.807', 'KWD')).toEqual(ok(AMOUNT_MAX_MINOR));
    expect(parseAmount('9223372036854775808', 'JPY')).toEqual(err('amount_too_large'));
    expect(parseAmount('92233720368547758.08', 'CNY')).toEqual(err('amount_too_large'));
    expect(parseAmount('9223372036854775807', 'CNY')).toEqual(err('amount_too_large'));
    expect(parseAmount('-9223372036854775808', 'JPY', { allowNegative: true })).toEqual(err('amount_too_large'));
  });

  it('reports a well-formed but huge amount as too large, not malformed', () => {
    expect(parseAmount(`1${'0'.repeat(60)}`, 'CNY')).toEqual(err('amount_too_large'));
    expect(parseAmount(`${'0'.repeat(60)}1`, 'CNY')).toEqual(ok(100n));
    expect(parseAmount(`1.${'0'.repeat(60)}`, 'CNY')).toEqual(ok(100n));
  });

  it('rejects anything but plain decimal notation as malformed', () => {
    const malformed = [
      '1e5',
      '1E5',
      '+1',
      '.5',
      '1.',
      '1,000',
      '1,5',
      ' 1',
      '1 ',
      '1\n',
      '',
      '-',
      '--1',
      '0x10',
      '1.2.3',
      'NaN',
      'Infinity',
      '１',
      '١',
      '1_000',
      '-.5',
    ];
    for (const text of malformed) {
      for (const code of ['CNY', 'JPY', 'KWD']) {
        expect(
          parseAmount(text, code, { allowNegative: true, allowZero: true }),
          `${JSON.stringify(text)} ${code}`,
        ).toEqual(err('amount_malformed'));
      }
    }
  });

  it('rejects an unknown currency before looking at the amount', () => {
    expect(parseAmount('1', 'XXX')).toEqual(err('currency_unknown'));
    expect(parseAmount('1', 'cny')).toEqual(err('currency_unknown'));
    expect(parseAmount('1', '')).toEqual(err('currency_unknown'));
    expect(parseAmount('garbage', 'CNYY')).toEqual(err('currency_unknown'));
  });
});

describe('formatAmount', () => {
  it('prints exactly the currency digits', () => {
    expect(formatAmount(150_000n, 'CNY')).toBe('1500.00');
    expect(formatAmount(1n, 'CNY')).toBe('0.01');
    expect(formatAmount(0n, 'CNY')).toBe('0.00');
    expect(formatAmount(-5n, 'CNY')).toBe('-0.05');
    expect(formatAmount(12n, 'JPY')).toBe('12');
    expect(formatAmount(0n, 'JPY')).toBe('0');
    expect(formatAmount(1n, 'KWD')).toBe('0.001');
    expect(formatAmount(AMOUNT_MAX_MINOR, 'CNY')).toBe('92233720368547758.07');
  });

  it('treats an unknown currency as a programmer error', () => {
    expect(() => formatAmount(1n, 'XXX')).toThrow(AssertionError);
    expect(() => requireCurrency('XXX')).toThrow(AssertionError);
    expect(() => money(1n, 'cny')).toThrow(AssertionError);
  });

  it('builds Money values with the canonical code', () => {
    expect(money(5n, 'CNY')).toEqual({ amountMinor: 5n, currency: 'CNY' });
  });
});

describe('allocateEvenly', () => {
  it('gives the extra units to the earlier parts', () => {
    expect(allocateEvenly(100n, 3)).toEqual([34n, 33n, 33n]);
    expect(allocateEvenly(2n, 3)).toEqual([1n, 1n, 0n]);
    expect(allocateEvenly(0n, 2)).toEqual([0n, 0n]);
    expect(allocateEvenly(-100n, 3)).toEqual([-34n, -33n, -33n]);
    expect(allocateEvenly(7n, 1)).toEqual([7n]);
  });

  it('asserts a positive integer part count', () => {
    expect(() => allocateEvenly(1n, 0)).toThrow(AssertionError);
    expect(() => allocateEvenly(1n, -1)).toThrow(AssertionError);
    expect(() => allocateEvenly(1n, 1.5)).toThrow(AssertionError);
  });
});

describe('allocateByRatios', () => {
  it('uses the largest remainder, ties to the earlier part', () => {
    expect(allocateByRatios(5n, [1n, 2n])).toEqual([2n, 3n]);
    expect(allocateByRatios(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocateByRatios(10n, [0n, 1n])).toEqual([0n, 10n]);
    expect(allocateByRatios(1n, [0n, 1n, 1n])).toEqual([0n, 1n, 0n]);
    expect(allocateByRatios(-5n, [1n, 2n])).toEqual([-2n, -3n]);
    expect(allocateByRatios(AMOUNT_MAX_MINOR, [1n, 1n])).toEqual([AMOUNT_MAX_MINOR / 2n + 1n, AMOUNT_MAX_MINOR / 2n]);
  });

  it('asserts usable ratios', () => {
    expect(() => allocateByRatios(1n, [])).toThrow(AssertionError);
    expect(() => allocateByRatios(1n, [0n, 0n])).toThrow(AssertionError);
    expect(() => allocateByRatios(1n, [1n, -1n])).toThrow(AssertionError);
  });
});
