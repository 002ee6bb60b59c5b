// Proves the servicing rules for any schedule and payment: a repayment is allocated strictly penalty → fees → interest → principal (a later class gets nothing while an earlier one is owed), conserves the payment, never pays more than owed; prepayment keeps principal exact and never negative; accrual through a date is monotone within a period, replaying it changes nothing, and it sums to the scheduled interest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accruedInterestThrough,
  allocateRepayment,
  bucketOf,
  daysPastDue,
  type InstallmentState,
  payoffAmount,
  prepay,
} from './loan.ts';
import { addDays, buildSchedule, D, REPAYMENT_METHODS } from './schedule.ts';

const loanArb = fc.record({
  principalMinor: fc.bigInt({ min: 100_000n, max: 10n ** 10n }),
  months: fc.integer({ min: 1, max: 36 }),
  rateBasisPoints: fc.integer({ min: 0, max: 2400 }),
  method: fc.constantFrom(...REPAYMENT_METHODS),
  feeMinor: fc.constantFrom(0n, 1n, 500n),
});

function installmentsOf(l: {
  principalMinor: bigint;
  months: number;
  rateBasisPoints: number;
  method: (typeof REPAYMENT_METHODS)[number];
  feeMinor: bigint;
}) {
  const s = buildSchedule({
    principalMinor: l.principalMinor,
    months: l.months,
    annualRate: new D(l.rateBasisPoints).div(10_000),
    method: l.method,
    startDate: '2026-01-31',
    periodicFeeMinor: l.feeMinor,
  });
  if (!s.ok) throw new Error(s.code);
  const installments: InstallmentState[] = s.value.installments.map((i) => ({
    period: i.period,
    fromDate: i.fromDate,
    dueDate: i.dueDate,
    principalMinor: i.principalMinor,
    interestMinor: i.interestMinor,
    feeMinor: i.feeMinor,
    principalPaidMinor: 0n,
    interestPaidMinor: 0n,
    feePaidMinor: 0n,
  }));
  return { installments, rate: new D(l.rateBasisPoints).div(10_000), method: l.method };
}

const sum = (xs: readonly InstallmentState[], f: (i: InstallmentState) => bigint) => xs.reduce((s, i) => s + f(i), 0n);

describe('repayment allocation', () => {
  it('pays penalty, then fees, then interest, then principal, and conserves the payment', () => {
    fc.assert(
      fc.property(
        loanArb,
        fc.bigInt({ min: 0n, max: 100_000n }),
        fc.integer({ min: 0, max: 1200 }),
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        (l, penalty, day, amount) => {
          const { installments } = installmentsOf(l);
          const date = addDays('2026-01-31', day);
          const a = allocateRepayment(amount, penalty, installments, date);
          expect(a.penaltyMinor + a.feesMinor + a.interestMinor + a.principalMinor + a.excessMinor).toBe(amount);
          const due = installments.filter((i) => i.dueDate <= date);
          const feesDue = sum(due, (i) => i.feeMinor);
          const interestDue = sum(due, (i) => i.interestMinor);
          const principalDue = sum(due, (i) => i.principalMinor);
          // Order: each class is paid only after every earlier class is paid in full.
          if (a.penaltyMinor < penalty)
            expect(a.feesMinor + a.interestMinor + a.principalMinor + a.excessMinor).toBe(0n);
          if (a.feesMinor < feesDue) expect(a.interestMinor + a.principalMinor + a.excessMinor).toBe(0n);
          if (a.interestMinor < interestDue) expect(a.principalMinor + a.excessMinor).toBe(0n);
          if (a.principalMinor < principalDue) expect(a.excessMinor).toBe(0n);
          expect(a.penaltyMinor <= penalty && a.feesMinor <= feesDue).toBe(true);
          for (const i of a.installments)
            expect(
              i.principalPaidMinor <= i.principalMinor &&
                i.interestPaidMinor <= i.interestMinor &&
                i.feePaidMinor <= i.feeMinor,
            ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('prepays exactly: principal stays conserved, nothing goes negative, a payoff leaves nothing owed', () => {
    fc.assert(
      fc.property(
        loanArb,
        fc.integer({ min: 0, max: 1100 }),
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        (l, day, amount) => {
          const { installments, rate, method } = installmentsOf(l);
          const date = addDays('2026-01-31', day);
          const owed = payoffAmount(installments, 0n, date);
          const pay = amount > owed ? owed : amount;
          if (pay === 0n) return;
          const a = allocateRepayment(pay, 0n, installments, date);
          const p = prepay(a.excessMinor, a.installments, date, {
            startDate: '2026-01-31',
            annualRate: rate,
            method,
            dayCount: '30/360',
          });
          expect(p.unusedMinor).toBe(0n);
          expect(sum(p.installments, (i) => i.principalMinor)).toBe(l.principalMinor);
          for (const i of p.installments) {
            expect(i.principalMinor >= i.principalPaidMinor && i.principalPaidMinor >= 0n).toBe(true);
            expect(i.interestMinor >= i.interestPaidMinor && i.interestPaidMinor >= 0n).toBe(true);
            expect(i.feeMinor >= i.feePaidMinor).toBe(true);
          }
          if (pay === owed) {
            expect(payoffAmount(p.installments, 0n, date)).toBe(0n);
            expect(daysPastDue(p.installments, addDays(date, 1))).toBe(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('accrual', () => {
  it('is monotone day by day, idempotent when recomputed, and sums to the scheduled interest', () => {
    fc.assert(
      fc.property(loanArb, fc.integer({ min: 1, max: 60 }), (l, step) => {
        const { installments } = installmentsOf(l);
        const last = installments.at(-1)?.dueDate ?? '2026-01-31';
        let previous = 0n;
        for (let d = '2026-01-31'; d <= last; d = addDays(d, step)) {
          const accrued = accruedInterestThrough(installments, d);
          expect(accrued >= previous).toBe(true);
          expect(accruedInterestThrough(installments, d)).toBe(accrued);
          previous = accrued;
        }
        expect(accruedInterestThrough(installments, last)).toBe(sum(installments, (i) => i.interestMinor));
      }),
      { numRuns: 200 },
    );
  });

  it('buckets days past due as M1 to M3+', () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91, 400].map(bucketOf)).toEqual([
      'current',
      'M1',
      'M1',
      'M2',
      'M2',
      'M3',
      'M3',
      'M3+',
      'M3+',
    ]);
  });
});
