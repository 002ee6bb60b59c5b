import { assert } from './assert.ts';
import { type Currency, type CurrencyCode, findCurrency } from './currency.ts';
import { err, ok, type Result } from './result.ts';

/** The largest amount any value-moving record may carry: 2^63 − 1 minor units (PostgreSQL bigint). */
export const AMOUNT_MAX_MINOR = 2n ** 63n - 1n;

/** An exact amount: integer minor units of one currency. Never a float. */
export interface Money {
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
}

export type AmountParseError =
  | 'amount_malformed'
  | 'amount_too_precise'
  | 'amount_negative'
  | 'amount_zero'
  | 'amount_too_large'
  | 'currency_unknown';

export interface AmountParseOptions {
  /** Accept a leading minus sign. Default false. */
  readonly allowNegative?: boolean;
  /** Accept zero. Default false: value-moving amounts are positive. */
  readonly allowZero?: boolean;
}

// Plain decimal notation only: no exponent, no grouping, no leading plus, no bare dot.
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
/** Digits of AMOUNT_MAX_MINOR: a whole part with more significant digits is too large at any exponent. */
const AMOUNT_MAX_DIGITS = AMOUNT_MAX_MINOR.toString().length;

/**
 * Parses a decimal string in major units ("1500.00", "0.5", "12") into minor units, exactly.
 * More fraction digits than the currency allows is an error, not a rounding: the caller decides.
 */
export function parseAmount(
  text: string,
  currencyCode: string,
  options: AmountParseOptions = {},
): Result<bigint, AmountParseError> {
  const currency = findCurrency(currencyCode);
  if (currency === undefined) return err('currency_unknown');
  const match = DECIMAL.exec(text);
  if (match === null) return err('amount_malformed');
  const [, sign = '', digits = '', fraction = ''] = match;
  // Strip zeros by scanning, not by regex (`/0+$/` backtracks quadratically on long input).
  let first = 0;
  while (first < digits.length - 1 && digits[first] === '0') first++;
  const whole = digits.slice(first);
  let end = fraction.length;
  while (end > 0 && fraction[end - 1] === '0') end--;
  if (end > currency.exponent) return err('amount_too_precise');
  if (whole.length > AMOUNT_MAX_DIGITS) return err('amount_too_large');
  const magnitude =
    BigInt(whole) * 10n ** BigInt(currency.exponent) +
    (currency.exponent === 0 ? 0n : BigInt(fraction.padEnd(currency.exponent, '0').slice(0, currency.exponent)));
  if (magnitude > AMOUNT_MAX_MINOR) return err('amount_too_large');
  if (magnitude === 0n) return options.allowZero ? ok(0n) : err('amount_zero');
  if (sign === '-') return options.allowNegative ? ok(-magnitude) : err('amount_negative');
  return ok(magnitude);
}

/** Formats minor units as a decimal string in major units with exactly the currency's digits. */
export function formatAmount(amountMinor: bigint, currencyCode: string): string {
  const currency = requireCurrency(currencyCode);
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString().padStart(currency.exponent + 1, '0');
  const whole = digits.slice(0, digits.length - currency.exponent);
  const fraction = digits.slice(digits.length - currency.exponent);
  return `${negative ? '-' : ''}${whole}${currency.exponent > 0 ? `.${fraction}` : ''}`;
}

export function requireCurrency(code: string): Currency {
  const currency = findCurrency(code);
  assert(currency !== undefined, `unknown currency ${code}`);
  return currency;
}

export function money(amountMinor: bigint, currencyCode: string): Money {
  return { amountMinor, currency: requireCurrency(currencyCode).code };
}

/**
 * Splits `totalMinor` into `parts` amounts that differ by at most one minor unit and sum exactly to
 * the total. The earlier parts take the extra units (a stable, documented rule).
 */
export function allocateEvenly(totalMinor: bigint, parts: number): bigint[] {
  assert(Number.isSafeInteger(parts) && parts > 0, 'parts must be a positive integer');
  return allocateByRatios(
    totalMinor,
    Array.from({ length: parts }, () => 1n),
  );
}

/**
 * Splits `totalMinor` in proportion to `ratios` by the largest-remainder method: each part gets the
 * floor of its exact share, and the units left over go one each to the parts with the largest
 * remainders (ties to the earlier part). The parts always sum exactly to the total; a zero ratio
 * always gets zero. Negative totals are split as their magnitude, then negated.
 */
export function allocateByRatios(totalMinor: bigint, ratios: readonly bigint[]): bigint[] {
  assert(ratios.length > 0, 'at least one ratio');
  assert(
    ratios.every((r) => r >= 0n),
    'ratios must not be negative',
  );
  const ratioSum = ratios.reduce((a, b) => a + b, 0n);
  assert(ratioSum > 0n, 'ratios must not all be zero');
  const negative = totalMinor < 0n;
  const total = negative ? -totalMinor : totalMinor;
  const shares = ratios.map((ratio) => (total * ratio) / ratioSum);
  const remainders = ratios.map((ratio, index) => ({ index, remainder: (total * ratio) % ratioSum }));
  let leftover = total - shares.reduce((a, b) => a + b, 0n);
  assert(leftover >= 0n && leftover < BigInt(ratios.length), 'leftover below one unit per part');
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (leftover === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  const result = negative ? shares.map((s) => -s) : shares;
  assert(result.reduce((a, b) => a + b, 0n) === totalMinor, 'allocation must conserve the total');
  return result;
}
