import { err, formatAmount, ok, parseAmount, type Result } from '@zhirong/kernel';
import { type Apr, aprOf, rateText } from './apr.ts';
import type { CreditErrorCode } from './errors.ts';
import {
  buildSchedule,
  DAY_COUNTS,
  type DayCount,
  isCalendarDate,
  parseAnnualRate,
  REPAYMENT_METHODS,
  type RepaymentMethod,
  type Schedule,
  TERM_MONTHS_MAX,
} from './schedule.ts';

/** A failure with its catalog code and the message parameters. */
export interface Failure {
  readonly ok: false;
  readonly code: CreditErrorCode;
  readonly params?: Readonly<Record<string, unknown>>;
}
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

export const fail = (code: CreditErrorCode, params?: Readonly<Record<string, unknown>>): Failure =>
  params ? { ok: false, code, params } : { ok: false, code };

/** The text a user types (CLI options, JSON fields) to ask for a schedule. */
export interface QuoteRequest {
  readonly principal: string;
  readonly currency: string;
  readonly months: string | number;
  readonly annualRate: string;
  readonly method: string;
  readonly dayCount?: string;
  readonly startDate: string;
  /** Withheld from the payout. */
  readonly upfrontFee?: string;
  /** Charged with every installment. */
  readonly periodicFee?: string;
}

export interface Quote {
  readonly currency: string;
  readonly schedule: Schedule;
  readonly upfrontFeeMinor: bigint;
  readonly apr: Apr;
}

export function parseMonths(value: string | number): Result<number, 'credit_term_invalid'> {
  const months = typeof value === 'number' ? value : /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(months) && months >= 1 && months <= TERM_MONTHS_MAX
    ? ok(months)
    : err('credit_term_invalid');
}

export function parseMethod(text: string): Result<RepaymentMethod, 'credit_method_invalid'> {
  return (REPAYMENT_METHODS as readonly string[]).includes(text)
    ? ok(text as RepaymentMethod)
    : err('credit_method_invalid');
}

export function parseDayCount(text: string): Result<DayCount, 'credit_day_count_invalid'> {
  return (DAY_COUNTS as readonly string[]).includes(text) ? ok(text as DayCount) : err('credit_day_count_invalid');
}

/** Parses a money field; a failure names the kernel's code with the currency. */
export function parseMoneyField(text: string, currency: string, allowZero = false): Outcome<bigint> {
  const parsed = parseAmount(text, currency, { allowZero });
  return parsed.ok ? parsed : fail(parsed.code, { currency });
}

/** Validates every field of a quote request, then builds the schedule and its APR. */
export function quote(request: QuoteRequest): Outcome<Quote> {
  const principal = parseMoneyField(request.principal, request.currency);
  if (!principal.ok) return principal;
  const months = parseMonths(request.months);
  if (!months.ok) return fail(months.code);
  const rate = parseAnnualRate(request.annualRate);
  if (!rate.ok) return fail('credit_rate_invalid', { field: 'annualRate' });
  const method = parseMethod(request.method);
  if (!method.ok) return fail(method.code);
  const dayCount = parseDayCount(request.dayCount ?? '30/360');
  if (!dayCount.ok) return fail(dayCount.code);
  if (!isCalendarDate(request.startDate)) return fail('credit_date_invalid', { value: request.startDate });
  const upfront = parseMoneyField(request.upfrontFee ?? '0', request.currency, true);
  if (!upfront.ok) return upfront;
  const periodic = parseMoneyField(request.periodicFee ?? '0', request.currency, true);
  if (!periodic.ok) return periodic;
  if (upfront.value >= principal.value)
    return fail('credit_input_invalid', { field: 'upfrontFee', reason: 'must be below the principal' });
  const schedule = buildSchedule({
    principalMinor: principal.value,
    months: months.value,
    annualRate: rate.value,
    method: method.value,
    dayCount: dayCount.value,
    startDate: request.startDate,
    periodicFeeMinor: periodic.value,
  });
  if (!schedule.ok) return fail('credit_input_invalid', { field: 'schedule', reason: schedule.code });
  return ok({
    currency: request.currency,
    schedule: schedule.value,
    upfrontFeeMinor: upfront.value,
    apr: aprOf(schedule.value, upfront.value),
  });
}

/** The JSON of a schedule: amounts as decimal strings in major units, rates as decimal strings. */
export function scheduleJson(schedule: Schedule, currency: string, upfrontFeeMinor: bigint, apr: Apr) {
  const f = (minor: bigint) => formatAmount(minor, currency);
  return {
    currency,
    principal: f(schedule.principalMinor),
    months: schedule.months,
    method: schedule.method,
    dayCount: schedule.dayCount,
    annualRate: schedule.annualRate,
    startDate: schedule.startDate,
    rounding: 'half-up',
    upfrontFee: f(upfrontFeeMinor),
    disbursed: f(schedule.principalMinor - upfrontFeeMinor),
    totalInterest: f(schedule.totalInterestMinor),
    totalFees: f(schedule.totalFeesMinor + upfrontFeeMinor),
    totalRepaid: f(schedule.installments.reduce((s, i) => s + i.totalMinor, 0n)),
    /** The disclosed APR: the monthly IRR of the cash flows × 12. */
    apr: rateText(apr.nominal),
    aprEffective: rateText(apr.effective),
    installments: schedule.installments.map((i) => ({
      period: i.period,
      dueDate: i.dueDate,
      principal: f(i.principalMinor),
      interest: f(i.interestMinor),
      fee: f(i.feeMinor),
      total: f(i.totalMinor),
      remaining: f(i.remainingMinor),
    })),
  };
}

export function quoteJson(q: Quote) {
  return scheduleJson(q.schedule, q.currency, q.upfrontFeeMinor, q.apr);
}
