// Proves for any principal, term, rate, method, day count and start date: principal parts sum exactly to the principal, the remaining balance never goes negative and falls to zero, and installments move as each method promises (level totals, level principal, interest-only until the bullet).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aprOf } from './apr.ts';
import { buildSchedule, D, DAY_COUNTS, REPAYMENT_METHODS } from './schedule.ts';

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

const input = fc.record({
  principalMinor: fc.oneof(
    fc.constantFrom(1n, 2n, 99n, 10_000_000n, 10n ** 12n),
    fc.bigInt({ min: 1n, max: 10n ** 13n }),
  ),
  months: fc.oneof(fc.constantFrom(1, 2, 12, 360), fc.integer({ min: 1, max: 360 })),
  rateBasisPoints: fc.oneof(fc.constantFrom(0, 1, 2400, 10_000), fc.integer({ min: 0, max: 10_000 })),
  method: fc.constantFrom(...REPAYMENT_METHODS),
  dayCount: fc.constantFrom(...DAY_COUNTS),
  start: fc.integer({ min: 0, max: 3650 }),
});

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

function build(i: Input) {
  const startDate = new Date(Date.UTC(2024, 0, 1) + i.start * 86_400_000).toISOString().slice(0, 10);
  const result = buildSchedule({
    principalMinor: i.principalMinor,
    months: i.months,
    annualRate: new D(i.rateBasisPoints).div(10_000),
    method: i.method,
    dayCount: i.dayCount,
    startDate,
  });
  if (!result.ok) throw new Error(result.code);
  return result.value;
}

describe('schedule properties', () => {
  it('conserves principal and never lets the balance go negative', () => {
    fc.assert(
      fc.property(input, (i) => {
        const s = build(i);
        expect(s.installments).toHaveLength(i.months);
        expect(s.installments.reduce((sum, x) => sum + x.principalMinor, 0n)).toBe(i.principalMinor);
        let previous = i.principalMinor;
        for (const x of s.installments) {
          expect(x.principalMinor >= 0n && x.interestMinor >= 0n && x.remainingMinor >= 0n).toBe(true);
          expect(x.remainingMinor).toBe(previous - x.principalMinor);
          expect(x.totalMinor).toBe(x.principalMinor + x.interestMinor + x.feeMinor);
          expect(x.dueDate > x.fromDate).toBe(true);
          previous = x.remainingMinor;
        }
        expect(previous).toBe(0n);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps each method’s shape', () => {
    fc.assert(
      fc.property(input, (i) => {
        const s = build({ ...i, dayCount: '30/360' });
        const body = s.installments.slice(0, -1);
        if (i.method === 'equal-principal') {
          const part = i.principalMinor / BigInt(i.months);
          expect(body.every((x) => x.principalMinor === part)).toBe(true);
          // Interest never rises as the balance falls.
          for (let k = 1; k < s.installments.length; k++)
            expect(at(s.installments, k).interestMinor <= at(s.installments, k - 1).interestMinor).toBe(true);
        } else if (i.method === 'interest-only') {
          expect(body.every((x) => x.principalMinor === 0n)).toBe(true);
          expect(s.installments.at(-1)?.principalMinor).toBe(i.principalMinor);
        } else {
          // Level totals until the balance runs out; the last differs only by rounding.
          const level = body.filter((x) => x.remainingMinor > 0n).map((x) => x.totalMinor);
          expect(new Set(level).size <= 1).toBe(true);
          for (let k = 1; k < s.installments.length; k++)
            expect(
              at(s.installments, k).principalMinor >= at(s.installments, k - 1).principalMinor ||
                at(s.installments, k).remainingMinor === 0n,
            ).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('finds the contract rate as the APR when there are no fees (30/360, amounts ≥ 10,000.00)', () => {
    fc.assert(
      fc.property(input, (i) => {
        const s = build({
          ...i,
          dayCount: '30/360',
          principalMinor: 1_000_000n + i.principalMinor,
          months: Math.min(i.months, 60),
        });
        const apr = aprOf(s);
        expect(apr.nominal.minus(new D(i.rateBasisPoints).div(10_000)).abs().lt('0.0001')).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
