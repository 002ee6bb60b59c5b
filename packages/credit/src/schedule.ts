import { assert, err, ok, type Result } from '@zhirong/kernel';
import { Decimal } from 'decimal.js';

/**
 * Repayment schedules exact to the minor unit (Fineract-style amortisation, written from the
 * formulas, not from its code).
 *
 * - Every amount is a bigint of minor units; rates are decimal.js values; nothing passes through a
 *   float.
 * - Rounding rule: **half-up** (四舍五入, `ROUND_HALF_UP`) to the minor unit, for the installment of
 *   等额本息 and for every period's interest. Equal-principal parts are floored (see below).
 * - The **last installment absorbs rounding**: its principal is whatever remains, so the principal
 *   parts always sum exactly to the principal.
 * - Due dates: the start date plus k months, the day clamped to the end of a shorter month and
 *   always computed from the start date (Jan 31 → Feb 28 → Mar 31, never drifting to the 28th).
 * - Interest of a period = remaining principal × annual rate × the period's year fraction under the
 *   day-count convention: `30/360` — every monthly period is exactly 30/360 = 1/12 (the convention
 *   of Chinese consumer-loan contracts, and the one that gives the textbook 等额本息 figures);
 *   `ACT/365` — actual days / 365; `ACT/360` — actual days / 360.
 */

export type RepaymentMethod = 'equal-installment' | 'equal-principal' | 'interest-only';
export type DayCount = '30/360' | 'ACT/365' | 'ACT/360';

export const REPAYMENT_METHODS: readonly RepaymentMethod[] = ['equal-installment', 'equal-principal', 'interest-only'];
export const DAY_COUNTS: readonly DayCount[] = ['30/360', 'ACT/365', 'ACT/360'];
export const TERM_MONTHS_MAX = 360;
export const RATE_DECIMALS_MAX = 8;

/** decimal.js with enough digits for any bigint amount × (1 + r)^360, rounding half-up. */
export const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 60 });
export type Dec = InstanceType<typeof D>;

export interface ScheduleInput {
  readonly principalMinor: bigint;
  readonly months: number;
  /** Nominal annual rate as a decimal ("0.12" is 12 %). */
  readonly annualRate: Dec;
  readonly method: RepaymentMethod;
  /** Disbursement date, `YYYY-MM-DD`; installment k is due k months later. */
  readonly startDate: string;
  readonly dayCount?: DayCount;
  /** Charged with every installment (an account-management fee), minor units. */
  readonly periodicFeeMinor?: bigint;
}

export interface Installment {
  readonly period: number;
  readonly dueDate: string;
  /** The first day of interest of this period (the previous due date, or the start date). */
  readonly fromDate: string;
  readonly principalMinor: bigint;
  readonly interestMinor: bigint;
  readonly feeMinor: bigint;
  readonly totalMinor: bigint;
  /** Principal outstanding after this installment. */
  readonly remainingMinor: bigint;
}

export interface Schedule {
  readonly principalMinor: bigint;
  readonly months: number;
  readonly method: RepaymentMethod;
  readonly dayCount: DayCount;
  readonly annualRate: string;
  readonly startDate: string;
  readonly installments: readonly Installment[];
  readonly totalInterestMinor: bigint;
  readonly totalFeesMinor: bigint;
}

export type ScheduleError = 'rate_invalid' | 'term_invalid' | 'date_invalid' | 'principal_invalid';

// ---- dates ----

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A valid `YYYY-MM-DD` calendar date between 1800 and 9999. */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m || Number(m[1]) < 1800) return false;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return at.toISOString().slice(0, 10) === text;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** `date` plus `months` calendar months, the day clamped to the end of the month. */
export function addMonths(date: string, months: number): string {
  assert(isCalendarDate(date) && Number.isSafeInteger(months), 'a date and whole months');
  const m = DATE.exec(date) as RegExpExecArray;
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month0 = total - year * 12;
  const day = Math.min(Number(m[3]), daysInMonth(year, month0));
  return `${String(year).padStart(4, '0')}-${String(month0 + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `date` plus `days` days. */
export function addDays(date: string, days: number): string {
  assert(DATE.test(date) && Number.isSafeInteger(days), 'a date and whole days');
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (validated dates; checked for shape only: this is a hot path). */
export function daysBetween(from: string, to: string): number {
  assert(DATE.test(from) && DATE.test(to), 'calendar dates');
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

// ---- rates and rounding ----

/** Parses a nominal annual rate: a plain decimal in [0, 1] with at most 8 decimals. */
export function parseAnnualRate(text: string): Result<Dec, 'rate_invalid'> {
  if (!/^(0|1)(\.\d{1,8})?$/.test(text)) return err('rate_invalid');
  const rate = new D(text);
  if (rate.gt(1)) return err('rate_invalid');
  return ok(rate);
}

/** Rounds a non-negative decimal count of minor units half-up to a bigint. */
export function roundMinor(value: Dec): bigint {
  return BigInt(value.toDecimalPlaces(0, D.ROUND_HALF_UP).toFixed(0));
}

function dec(minor: bigint): Dec {
  return new D(minor.toString());
}

/** The year fraction of one monthly period from `from` to `to` under a day-count convention. */
export function periodYearFraction(from: string, to: string, dayCount: DayCount): Dec {
  if (dayCount === '30/360') return new D(1).div(12);
  const days = daysBetween(from, to);
  return new D(days).div(dayCount === 'ACT/365' ? 365 : 360);
}

/** Interest on `balanceMinor` over a period, rounded half-up. */
export function periodInterest(balanceMinor: bigint, annualRate: Dec, from: string, to: string, dayCount: DayCount) {
  return roundMinor(
    dec(balanceMinor)
      .mul(annualRate)
      .mul(periodYearFraction(from, to, dayCount)),
  );
}

/** The 等额本息 installment P·r(1+r)^n / ((1+r)^n − 1) with r = annual / 12, rounded half-up. */
export function annuityInstallment(principalMinor: bigint, annualRate: Dec, months: number): bigint {
  const r = annualRate.div(12);
  if (r.isZero()) return roundMinor(dec(principalMinor).div(months));
  const growth = r.plus(1).pow(months);
  return roundMinor(dec(principalMinor).mul(r).mul(growth).div(growth.minus(1)));
}

// ---- schedules ----

/** Builds the schedule of a loan; see the module comment for every rule. */
export function buildSchedule(input: ScheduleInput): Result<Schedule, ScheduleError> {
  const { principalMinor, months, annualRate, method } = input;
  const dayCount = input.dayCount ?? '30/360';
  const fee = input.periodicFeeMinor ?? 0n;
  if (principalMinor <= 0n) return err('principal_invalid');
  if (!Number.isSafeInteger(months) || months < 1 || months > TERM_MONTHS_MAX) return err('term_invalid');
  if (annualRate.isNeg() || annualRate.gt(1) || annualRate.decimalPlaces() > RATE_DECIMALS_MAX)
    return err('rate_invalid');
  if (!isCalendarDate(input.startDate)) return err('date_invalid');
  assert(fee >= 0n, 'a periodic fee is not negative');

  const installment = method === 'equal-installment' ? annuityInstallment(principalMinor, annualRate, months) : 0n;
  const principalPart = method === 'equal-principal' ? principalMinor / BigInt(months) : 0n;
  const installments: Installment[] = [];
  let remaining = principalMinor;
  let fromDate = input.startDate;
  for (let period = 1; period <= months; period++) {
    const dueDate = addMonths(input.startDate, period);
    const interest = periodInterest(remaining, annualRate, fromDate, dueDate, dayCount);
    let principal: bigint;
    if (period === months) principal = remaining;
    else if (method === 'equal-installment') principal = clamp(installment - interest, remaining);
    else if (method === 'equal-principal') principal = clamp(principalPart, remaining);
    else principal = 0n;
    remaining -= principal;
    assert(remaining >= 0n, 'the remaining principal never goes negative');
    installments.push({
      period,
      dueDate,
      fromDate,
      principalMinor: principal,
      interestMinor: interest,
      feeMinor: fee,
      totalMinor: principal + interest + fee,
      remainingMinor: remaining,
    });
    fromDate = dueDate;
  }
  const sum = installments.reduce((s, i) => s + i.principalMinor, 0n);
  assert(sum === principalMinor && remaining === 0n, 'the principal parts sum to the principal');
  return ok({
    principalMinor,
    months,
    method,
    dayCount,
    annualRate: annualRate.toFixed(),
    startDate: input.startDate,
    installments,
    totalInterestMinor: installments.reduce((s, i) => s + i.interestMinor, 0n),
    totalFeesMinor: installments.reduce((s, i) => s + i.feeMinor, 0n),
  });
}

function clamp(value: bigint, max: bigint): bigint {
  if (value < 0n) return 0n;
  return value > max ? max : value;
}
