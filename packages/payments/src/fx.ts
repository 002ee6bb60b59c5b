import { assert, requireCurrency } from '@zhirong/kernel';
import { divide, formatRational, parseDecimal, type Rational } from './rate.ts';

/**
 * Foreign exchange. The rate table holds mid rates per currency pair (`1 base = mid quote`) and a
 * spread in basis points; a quote gives the customer `mid × (1 − spread)` in the direction asked
 * (the inverse of the mid for the other direction). Conversion is exact on bigints, and rounds in
 * favour of the liquidity accounts (TigerBeetle's currency-exchange recipe): the amount the customer
 * receives is rounded **down**, the amount the customer pays for a fixed receipt is rounded **up**,
 * each to the minor unit of its currency.
 */
export interface FxRate {
  readonly base: string;
  readonly quote: string;
  /** Decimal string: units of `quote` per unit of `base`. */
  readonly mid: string;
  /** The institution's margin, 0–1000 basis points (0–10 %). */
  readonly spreadBps: number;
}

export const SPREAD_BPS_MAX = 1000;
const BPS = 10_000n;

export interface CustomerRate {
  /** Mid rate in the direction sell → buy (units of buy per unit of sell). */
  readonly mid: Rational;
  /** What the customer gets: mid less the spread. */
  readonly rate: Rational;
  readonly spreadBps: number;
  /** The table row used, as stored. */
  readonly source: FxRate;
}

export function findCustomerRate(table: readonly FxRate[], sell: string, buy: string): CustomerRate | undefined {
  for (const row of table) {
    const mid = parseDecimal(row.mid);
    if (!mid || mid.numerator === 0n) continue;
    let directional: Rational | undefined;
    if (row.base === sell && row.quote === buy) directional = mid;
    else if (row.base === buy && row.quote === sell) {
      directional = { numerator: mid.denominator, denominator: mid.numerator };
    }
    if (!directional) continue;
    const keep = BPS - BigInt(row.spreadBps);
    return {
      mid: directional,
      rate: { numerator: directional.numerator * keep, denominator: directional.denominator * BPS },
      spreadBps: row.spreadBps,
      source: row,
    };
  }
  return undefined;
}

function scale(currency: string): bigint {
  return 10n ** BigInt(requireCurrency(currency).exponent);
}

/** Minor units of `buy` received for `sellMinor` of `sell` at `rate`, rounded down. */
export function buyAmountFor(sellMinor: bigint, sell: string, buy: string, rate: Rational): bigint {
  assert(sellMinor >= 0n, 'amounts are not negative');
  return divide(sellMinor * rate.numerator * scale(buy), rate.denominator * scale(sell), 'floor');
}

/** Minor units of `sell` needed to receive `buyMinor` of `buy` at `rate`, rounded up. */
export function sellAmountFor(buyMinor: bigint, sell: string, buy: string, rate: Rational): bigint {
  assert(buyMinor >= 0n && rate.numerator > 0n, 'amounts are not negative; the rate is positive');
  return divide(buyMinor * rate.denominator * scale(sell), rate.numerator * scale(buy), 'ceil');
}

/** A rate for display and for the record: 10 fraction digits, truncated. */
export function rateText(rate: Rational): string {
  return formatRational(rate, 10);
}
