import { findCurrency, formatAmount } from '@zhirong/kernel';
import { APR_CAP_DEFAULT, aprOf, exceedsCap, rateText } from './apr.ts';
import { fail, type Outcome, parseDayCount, parseMethod, parseMoneyField, parseMonths } from './quote.ts';
import {
  buildSchedule,
  D,
  type DayCount,
  type Dec,
  parseAnnualRate,
  type RepaymentMethod,
  roundMinor,
} from './schedule.ts';

/**
 * A loan product: what may be lent (currency, amount and term ranges), how it is repaid (method,
 * day count) and priced (a nominal rate range for risk-based pricing, fees as rates of the
 * principal, penalty rate and grace days), and the APR cap — 24 % by default (the judicial
 * protection ceiling for lending in China). A product whose own worst-case pricing — the highest
 * rate with its fees, at the shortest and the longest term and the smallest and largest amount —
 * would exceed its cap is refused.
 */
export interface Product {
  readonly id: string;
  readonly name: string;
  readonly currency: string;
  readonly amountMinMinor: bigint;
  readonly amountMaxMinor: bigint;
  readonly termMin: number;
  readonly termMax: number;
  readonly method: RepaymentMethod;
  readonly dayCount: DayCount;
  readonly annualRateMin: string;
  readonly annualRateMax: string;
  /** Withheld from the payout, as a fraction of the principal. */
  readonly upfrontFeeRate: string;
  /** Charged with every installment, as a fraction of the principal. */
  readonly monthlyFeeRate: string;
  readonly graceDays: number;
  /** Annual penalty rate on overdue principal and interest (罚息). */
  readonly penaltyRate: string;
  readonly aprCap: string;
  /** The highest APR the product can produce (IRR × 12), checked against the cap at creation. */
  readonly aprMax: string;
  readonly createdAt: Date;
}

export interface ProductRequest {
  readonly name: string;
  readonly currency: string;
  readonly minAmount: string;
  readonly maxAmount: string;
  readonly minTermMonths: number;
  readonly maxTermMonths: number;
  readonly method: string;
  readonly dayCount?: string;
  readonly annualRateMin: string;
  readonly annualRateMax: string;
  readonly upfrontFeeRate?: string;
  readonly monthlyFeeRate?: string;
  readonly graceDays?: number;
  readonly penaltyRate?: string;
  readonly aprCap?: string;
}

export const GRACE_DAYS_MAX = 30;
export const APR_CAP_MAX = '0.36';
const PRICING_CHECK_DATE = '2026-01-01';

/** The fee a rate of the principal makes, rounded half-up. */
export function feeOf(principalMinor: bigint, rate: string): bigint {
  return roundMinor(new D(principalMinor.toString()).mul(rate));
}

function rateField(text: string | undefined, fallback: string, field: string): Outcome<Dec> {
  const parsed = parseAnnualRate(text ?? fallback);
  return parsed.ok ? parsed : fail('credit_rate_invalid', { field });
}

/** The APR of a product's pricing at one amount, term and nominal rate. */
export function productApr(
  p: Pick<Product, 'method' | 'dayCount' | 'upfrontFeeRate' | 'monthlyFeeRate'>,
  amountMinor: bigint,
  months: number,
  annualRate: Dec,
  startDate = PRICING_CHECK_DATE,
) {
  const schedule = buildSchedule({
    principalMinor: amountMinor,
    months,
    annualRate,
    method: p.method,
    dayCount: p.dayCount,
    startDate,
    periodicFeeMinor: feeOf(amountMinor, p.monthlyFeeRate),
  });
  if (!schedule.ok) throw new Error(`a validated product builds schedules (${schedule.code})`);
  return { schedule: schedule.value, apr: aprOf(schedule.value, feeOf(amountMinor, p.upfrontFeeRate)) };
}

/** Validates a product request; refuses pricing above the cap. */
export function validateProduct(request: ProductRequest, id: string, createdAt: Date): Outcome<Product> {
  const name = request.name.trim();
  if (name.length < 1 || name.length > 100)
    return fail('credit_input_invalid', { field: 'name', reason: '1 to 100 characters' });
  const currency = findCurrency(request.currency);
  if (!currency) return fail('currency_unknown', { currency: request.currency });
  const min = parseMoneyField(request.minAmount, currency.code);
  if (!min.ok) return min;
  const max = parseMoneyField(request.maxAmount, currency.code);
  if (!max.ok) return max;
  if (min.value > max.value) return fail('product_range_invalid', { field: 'amount' });
  const termMin = parseMonths(request.minTermMonths);
  const termMax = parseMonths(request.maxTermMonths);
  if (!termMin.ok || !termMax.ok) return fail('credit_term_invalid');
  if (termMin.value > termMax.value) return fail('product_range_invalid', { field: 'term' });
  const method = parseMethod(request.method);
  if (!method.ok) return fail(method.code);
  const dayCount = parseDayCount(request.dayCount ?? '30/360');
  if (!dayCount.ok) return fail(dayCount.code);
  const rateMin = rateField(request.annualRateMin, '', 'annualRateMin');
  if (!rateMin.ok) return rateMin;
  const rateMax = rateField(request.annualRateMax, '', 'annualRateMax');
  if (!rateMax.ok) return rateMax;
  if (rateMin.value.gt(rateMax.value)) return fail('product_range_invalid', { field: 'annualRate' });
  const upfront = rateField(request.upfrontFeeRate, '0', 'upfrontFeeRate');
  if (!upfront.ok) return upfront;
  if (upfront.value.gte('0.5')) return fail('credit_rate_invalid', { field: 'upfrontFeeRate' });
  const monthly = rateField(request.monthlyFeeRate, '0', 'monthlyFeeRate');
  if (!monthly.ok) return monthly;
  const penalty = rateField(request.penaltyRate, rateMax.value.mul('1.5').toFixed(8), 'penaltyRate');
  if (!penalty.ok) return penalty;
  const cap = rateField(request.aprCap, APR_CAP_DEFAULT, 'aprCap');
  if (!cap.ok) return cap;
  if (cap.value.gt(APR_CAP_MAX)) return fail('product_cap_invalid');
  const graceDays = request.graceDays ?? 0;
  if (!Number.isSafeInteger(graceDays) || graceDays < 0 || graceDays > GRACE_DAYS_MAX)
    return fail('credit_input_invalid', {
      field: 'graceDays',
      reason: `a whole number of days from 0 to ${GRACE_DAYS_MAX}`,
    });

  const pricing = {
    method: method.value,
    dayCount: dayCount.value,
    upfrontFeeRate: upfront.value.toFixed(),
    monthlyFeeRate: monthly.value.toFixed(),
  };
  let worst = new D(0);
  for (const months of new Set([termMin.value, termMax.value]))
    for (const amount of new Set([min.value, max.value])) {
      const { apr } = productApr(pricing, amount, months, rateMax.value);
      if (apr.nominal.gt(worst)) worst = apr.nominal;
      if (exceedsCap(apr, cap.value))
        return fail('product_apr_exceeds_cap', { apr: rateText(apr.nominal), cap: cap.value.toFixed() });
    }
  return {
    ok: true,
    value: {
      id,
      name,
      currency: currency.code,
      amountMinMinor: min.value,
      amountMaxMinor: max.value,
      termMin: termMin.value,
      termMax: termMax.value,
      ...pricing,
      annualRateMin: rateMin.value.toFixed(),
      annualRateMax: rateMax.value.toFixed(),
      graceDays,
      penaltyRate: penalty.value.toFixed(),
      aprCap: cap.value.toFixed(),
      aprMax: rateText(worst),
      createdAt,
    },
  };
}

export function productJson(p: Product, prefix: (id: string) => string) {
  return {
    id: prefix(p.id),
    name: p.name,
    currency: p.currency,
    minAmount: formatAmount(p.amountMinMinor, p.currency),
    maxAmount: formatAmount(p.amountMaxMinor, p.currency),
    minTermMonths: p.termMin,
    maxTermMonths: p.termMax,
    method: p.method,
    dayCount: p.dayCount,
    annualRateMin: p.annualRateMin,
    annualRateMax: p.annualRateMax,
    upfrontFeeRate: p.upfrontFeeRate,
    monthlyFeeRate: p.monthlyFeeRate,
    graceDays: p.graceDays,
    penaltyRate: p.penaltyRate,
    aprCap: p.aprCap,
    aprMax: p.aprMax,
    createdAt: p.createdAt.toISOString(),
  };
}
