import { assert } from '@zhirong/kernel';
import { divide, parseDecimal, type Rational } from './rate.ts';

/**
 * The merchant discount rate (MDR): the share of a card/QR payment the acquirer keeps. The fee on
 * an amount is `amount × rate` rounded **half up to the nearest minor unit** (0.5 of a fen goes up);
 * the merchant is credited `amount − fee`, so fee + net is exactly the amount paid. Both the rate
 * and the result are exact: the rate is a decimal string read as a rational of bigints.
 *
 * On a refund of part of a payment, the fee returned to the merchant is computed on the cumulative
 * refunded amount: `round(fee × refundedSoFar / amount) − feeReturnedBefore`, so that a series of
 * partial refunds adding up to the whole payment returns exactly the whole fee, never more.
 */
export const MDR_MAX = '0.2';

export function parseMdr(text: string): Rational | undefined {
  const rate = parseDecimal(text);
  if (!rate) return undefined;
  const max = parseDecimal(MDR_MAX) as Rational;
  // rate ≤ max  ⇔  rate.n × max.d ≤ max.n × rate.d
  if (rate.numerator * max.denominator > max.numerator * rate.denominator) return undefined;
  return rate;
}

export interface FeeSplit {
  readonly feeMinor: bigint;
  readonly netMinor: bigint;
}

export function merchantFee(amountMinor: bigint, rate: Rational): FeeSplit {
  assert(amountMinor >= 0n, 'a payment amount is not negative');
  const feeMinor = divide(amountMinor * rate.numerator, rate.denominator, 'half_up');
  assert(feeMinor <= amountMinor, 'a fee never exceeds the amount (rate ≤ 1)');
  return { feeMinor, netMinor: amountMinor - feeMinor };
}

/** Fee to give back with a refund, so that cumulative fee returns track cumulative refunds exactly. */
export function feeReturned(
  feeMinor: bigint,
  amountMinor: bigint,
  refundedBeforeMinor: bigint,
  refundMinor: bigint,
): bigint {
  assert(amountMinor > 0n, 'refunds are of positive payments');
  assert(refundedBeforeMinor >= 0n && refundMinor > 0n, 'refund amounts are positive');
  assert(refundedBeforeMinor + refundMinor <= amountMinor, 'refunds never exceed the payment');
  const before = divide(feeMinor * refundedBeforeMinor, amountMinor, 'half_up');
  const after = divide(feeMinor * (refundedBeforeMinor + refundMinor), amountMinor, 'half_up');
  return after - before;
}
