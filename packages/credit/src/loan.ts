import { assert } from '@zhirong/kernel';
import {
  addMonths,
  buildSchedule,
  D,
  type DayCount,
  type Dec,
  daysBetween,
  type RepaymentMethod,
  roundMinor,
} from './schedule.ts';

/**
 * Loan servicing arithmetic, pure and exact (bigint minor units, half-up rounding):
 *
 * - **Accrual**: interest earned through date d = Σ over periods of the period's interest × the
 *   share of its days elapsed by d (all of it once due), rounded half-up per period in exact
 *   integer arithmetic. The daily accrual is
 *   the difference to what was recorded before, so accruals always sum to the scheduled interest.
 * - **Overdue**: an installment is overdue the day after its due date; days past due count from the
 *   oldest unpaid due date; buckets M1 (1–30), M2 (31–60), M3 (61–90), M3+ (over 90).
 * - **Penalty interest** (罚息) accrues each day after the grace days on overdue principal and
 *   interest at the product's penalty rate / 360 (365 for ACT/365), rounded half-up per day.
 * - **Allocation** of a repayment: penalty → fees → interest → principal of installments already due,
 *   oldest first within each; anything left prepays principal (see `prepay`).
 */
export interface InstallmentState {
  readonly period: number;
  readonly fromDate: string;
  readonly dueDate: string;
  readonly principalMinor: bigint;
  readonly interestMinor: bigint;
  readonly feeMinor: bigint;
  readonly principalPaidMinor: bigint;
  readonly interestPaidMinor: bigint;
  readonly feePaidMinor: bigint;
}

export type Bucket = 'current' | 'M1' | 'M2' | 'M3' | 'M3+';

/** amount × numerator / denominator rounded half-up, exactly (non-negative operands). */
export function shareOf(amountMinor: bigint, numerator: number, denominator: number): bigint {
  assert(amountMinor >= 0n && numerator >= 0 && denominator > 0, 'a non-negative share');
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  return (2n * amountMinor * n + d) / (2n * d);
}

/** Interest earned through `date` (inclusive of the day's end), by the schedule. */
export function accruedInterestThrough(installments: readonly InstallmentState[], date: string): bigint {
  let total = 0n;
  for (const i of installments) {
    if (date >= i.dueDate) total += i.interestMinor;
    else if (date > i.fromDate)
      total += shareOf(i.interestMinor, daysBetween(i.fromDate, date), daysBetween(i.fromDate, i.dueDate));
  }
  return total;
}

function unpaid(i: InstallmentState): bigint {
  return (
    i.principalMinor - i.principalPaidMinor + (i.interestMinor - i.interestPaidMinor) + (i.feeMinor - i.feePaidMinor)
  );
}

/** Days past due on `date`: from the oldest installment due before it and not fully paid. */
export function daysPastDue(installments: readonly InstallmentState[], date: string): number {
  const oldest = installments.find((i) => i.dueDate < date && unpaid(i) > 0n);
  return oldest ? daysBetween(oldest.dueDate, date) : 0;
}

export function bucketOf(dpd: number): Bucket {
  if (dpd <= 0) return 'current';
  if (dpd <= 30) return 'M1';
  if (dpd <= 60) return 'M2';
  if (dpd <= 90) return 'M3';
  return 'M3+';
}

/** Penalty interest for one day on `date`: overdue principal and interest past the grace days. */
export function dailyPenalty(
  installments: readonly InstallmentState[],
  date: string,
  graceDays: number,
  penaltyRate: Dec,
  dayCount: DayCount,
): bigint {
  let overdue = 0n;
  for (const i of installments) {
    // String order is date order; only installments already due can be overdue.
    if (i.dueDate >= date) break;
    const owed = i.principalMinor - i.principalPaidMinor + (i.interestMinor - i.interestPaidMinor);
    if (owed > 0n && daysBetween(i.dueDate, date) > graceDays) overdue += owed;
  }
  if (overdue === 0n) return 0n;
  return roundMinor(new D(overdue.toString()).mul(penaltyRate).div(dayCount === 'ACT/365' ? 365 : 360));
}

export interface Allocation {
  readonly penaltyMinor: bigint;
  readonly feesMinor: bigint;
  readonly interestMinor: bigint;
  readonly principalMinor: bigint;
  /** Left after everything due: prepays principal. */
  readonly excessMinor: bigint;
  /** The installments with the payments applied. */
  readonly installments: InstallmentState[];
}

/** Allocates a payment penalty → fees → interest → principal over installments due on or before `date`. */
export function allocateRepayment(
  amountMinor: bigint,
  penaltyOutstandingMinor: bigint,
  installments: readonly InstallmentState[],
  date: string,
): Allocation {
  assert(amountMinor > 0n && penaltyOutstandingMinor >= 0n, 'a positive payment');
  let left = amountMinor;
  const take = (owed: bigint) => {
    const paid = owed < left ? owed : left;
    left -= paid;
    return paid;
  };
  const penalty = take(penaltyOutstandingMinor);
  const out = installments.map((i) => ({ ...i }));
  const due = out.filter((i) => i.dueDate <= date);
  let fees = 0n;
  let interest = 0n;
  let principal = 0n;
  for (const i of due) {
    const paid = take(i.feeMinor - i.feePaidMinor);
    i.feePaidMinor += paid;
    fees += paid;
  }
  for (const i of due) {
    const paid = take(i.interestMinor - i.interestPaidMinor);
    i.interestPaidMinor += paid;
    interest += paid;
  }
  for (const i of due) {
    const paid = take(i.principalMinor - i.principalPaidMinor);
    i.principalPaidMinor += paid;
    principal += paid;
  }
  assert(penalty + fees + interest + principal + left === amountMinor, 'allocation conserves the payment');
  return {
    penaltyMinor: penalty,
    feesMinor: fees,
    interestMinor: interest,
    principalMinor: principal,
    excessMinor: left,
    installments: out,
  };
}

export interface Prepayment {
  /** Interest of the current period accrued through the date, charged with the prepayment. */
  readonly accruedInterestMinor: bigint;
  readonly principalMinor: bigint;
  /** Not used (the payment exceeded everything owed): refused by the service. */
  readonly unusedMinor: bigint;
  readonly installments: InstallmentState[];
}

/**
 * Applies `amountMinor` (what is left after the dues) as a prepayment on `date`: first the interest
 * of the current period accrued so far, then principal. The installments from the current period
 * on are recalculated: the remaining principal is re-amortised by the loan's method over the
 * remaining periods (same due dates); the current period's interest becomes what was accrued on the
 * old balance plus interest on the new balance for the rest of the period. A full prepayment leaves
 * nothing owed.
 */
export function prepay(
  amountMinor: bigint,
  installments: readonly InstallmentState[],
  date: string,
  loan: {
    readonly startDate: string;
    readonly annualRate: Dec;
    readonly method: RepaymentMethod;
    readonly dayCount: DayCount;
  },
): Prepayment {
  const future = installments.filter((i) => i.dueDate > date);
  const past = installments.filter((i) => i.dueDate <= date).map((i) => ({ ...i }));
  const outstanding = future.reduce((s, i) => s + i.principalMinor - i.principalPaidMinor, 0n);
  const current = future[0];
  if (!current || amountMinor === 0n) {
    return {
      accruedInterestMinor: 0n,
      principalMinor: 0n,
      unusedMinor: amountMinor,
      installments: installments.map((i) => ({ ...i })),
    };
  }
  const elapsed = date > current.fromDate ? daysBetween(current.fromDate, date) : 0;
  const periodDays = daysBetween(current.fromDate, current.dueDate);
  const accrued = shareOf(current.interestMinor, elapsed, periodDays);
  const accruedDue = accrued > current.interestPaidMinor ? accrued - current.interestPaidMinor : 0n;
  const interestPaid = amountMinor < accruedDue ? amountMinor : accruedDue;
  let left = amountMinor - interestPaid;
  const principal = left < outstanding ? left : outstanding;
  left -= principal;
  const remaining = outstanding - principal;
  const feePaidCurrent = current.feePaidMinor;
  let rebuilt: InstallmentState[];
  if (remaining === 0n) {
    // Paid off: the current period keeps the interest paid; later ones vanish (zero rows).
    rebuilt = future.map((i, k) => ({
      ...i,
      principalMinor: i.principalPaidMinor + (k === 0 ? principal : 0n),
      principalPaidMinor: i.principalPaidMinor + (k === 0 ? principal : 0n),
      interestMinor: k === 0 ? current.interestPaidMinor + interestPaid : i.interestPaidMinor,
      interestPaidMinor: k === 0 ? current.interestPaidMinor + interestPaid : i.interestPaidMinor,
      feeMinor: i.feePaidMinor,
    }));
  } else {
    const schedule = buildSchedule({
      principalMinor: remaining,
      months: future.length,
      annualRate: loan.annualRate,
      method: loan.method,
      dayCount: loan.dayCount,
      startDate: current.fromDate,
    });
    assert(schedule.ok, 'a recalculated schedule builds');
    rebuilt = future.map((i, k) => {
      const s = schedule.value.installments[k];
      assert(s !== undefined, 'one new installment per remaining period');
      if (k > 0) return { ...i, principalMinor: s.principalMinor, interestMinor: s.interestMinor };
      const rest = shareOf(s.interestMinor, periodDays - elapsed, periodDays);
      const paidBefore = current.principalPaidMinor + principal;
      return {
        ...i,
        principalMinor: paidBefore + s.principalMinor,
        principalPaidMinor: paidBefore,
        interestMinor: current.interestPaidMinor + interestPaid + rest,
        interestPaidMinor: current.interestPaidMinor + interestPaid,
        feeMinor: i.feeMinor,
        feePaidMinor: feePaidCurrent,
      };
    });
  }
  return {
    accruedInterestMinor: interestPaid,
    principalMinor: principal,
    unusedMinor: left,
    installments: [...past, ...rebuilt],
  };
}

/** Everything owed to close the loan on `date`: penalty, dues, accrued interest of the current period, principal. */
export function payoffAmount(installments: readonly InstallmentState[], penaltyMinor: bigint, date: string): bigint {
  let owed = penaltyMinor;
  for (const i of installments) {
    if (i.dueDate <= date) owed += unpaid(i);
    else {
      owed += i.principalMinor - i.principalPaidMinor;
      if (date > i.fromDate) {
        const accrued = shareOf(i.interestMinor, daysBetween(i.fromDate, date), daysBetween(i.fromDate, i.dueDate));
        if (accrued > i.interestPaidMinor) owed += accrued - i.interestPaidMinor;
      }
    }
  }
  return owed;
}

export { addMonths };
