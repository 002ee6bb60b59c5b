import { assert } from '@zhirong/kernel';

/**
 * Exact decimal rates as rationals of bigints: "0.0065" → 65 / 10000. Rates (merchant discount
 * rates, FX rates, spreads) arrive and are stored as decimal strings; every computation with them is
 * done on integers, so no float ever touches money. Rounding is explicit at each use.
 */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const DECIMAL = /^(\d{1,12})(?:\.(\d{1,12}))?$/;

/** Parses a non-negative plain decimal ("7.1234", "0.006"); undefined for anything else. */
export function parseDecimal(text: string): Rational | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  const denominator = 10n ** BigInt(fraction.length);
  return { numerator: BigInt(whole) * denominator + BigInt(fraction || '0'), denominator };
}

export type RoundingMode = 'floor' | 'ceil' | 'half_up';

/** `numerator / denominator` for non-negative values, rounded as asked to an integer. */
export function divide(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  assert(denominator > 0n && numerator >= 0n, 'non-negative division by a positive number');
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  switch (mode) {
    case 'floor':
      return quotient;
    case 'ceil':
      return quotient + 1n;
    case 'half_up':
      return remainder * 2n >= denominator ? quotient + 1n : quotient;
  }
}

/** Renders a rational as a decimal string with `digits` fraction digits, truncated (for display only). */
export function formatRational(value: Rational, digits: number): string {
  const scaled = (value.numerator * 10n ** BigInt(digits)) / value.denominator;
  const text = scaled.toString().padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Normalised decimal text of a parsed rate (no trailing zeros), for storage and comparison. */
export function decimalText(text: string): string {
  const [whole = '0', fraction = ''] = text.split('.');
  const trimmedWhole = whole.replace(/^0+(?=\d)/, '');
  let end = fraction.length;
  while (end > 0 && fraction[end - 1] === '0') end--;
  return end === 0 ? trimmedWhole : `${trimmedWhole}.${fraction.slice(0, end)}`;
}
