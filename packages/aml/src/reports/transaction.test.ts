// Proves the per-customer-per-day aggregation against hand-checked figures (thresholds met exactly, one cent under, Beijing day boundaries, receipts and payments apart, unconfigured currencies never reportable) and the working-day deadline arithmetic.
import { describe, expect, it } from 'vitest';
import { DAY, FIXTURE } from './fixtures.ts';
import {
  addWorkingDays,
  aggregateDaily,
  businessDayOf,
  DEFAULT_THRESHOLDS,
  endOfLocalDay,
  isCalendarDate,
} from './transaction.ts';

describe('aggregateDaily', () => {
  const all = aggregateDaily(FIXTURE, DEFAULT_THRESHOLDS, 480);
  const ofDay = all.filter((a) => a.businessDay === DAY);

  it('reports exactly the totals at or above their threshold', () => {
    expect(
      ofDay
        .filter((a) => a.reportable)
        .map((a) => [a.customerId, a.category, a.currency, a.direction, a.totalMinor, a.transactionIds]),
    ).toEqual([
      ['A', 'cash', 'CNY', 'in', 5_000_000n, ['t1', 't2', 't8']],
      ['A', 'personal_domestic_transfer', 'CNY', 'out', 50_000_000n, ['t4', 't5']],
      ['B', 'corporate_transfer', 'USD', 'out', 20_000_000n, ['b2']],
    ]);
  });

  it('keeps what is under the threshold, of another day or without a threshold out of the report', () => {
    const find = (customer: string, category: string, direction: string) =>
      all.find((a) => a.customerId === customer && a.category === category && a.direction === direction);
    expect(find('A', 'cash', 'out')).toMatchObject({ totalMinor: 4_999_999n, reportable: false });
    expect(find('A', 'personal_cross_border_transfer', 'out')).toMatchObject({
      totalMinor: 999_999n,
      reportable: false,
    });
    expect(find('B', 'corporate_transfer', 'in')).toMatchObject({ totalMinor: 199_999_999n, reportable: false });
    expect(find('C', 'cash', 'in')).toMatchObject({ thresholdMinor: null, reportable: false });
    const nextDay = all.filter((a) => a.businessDay === '2026-06-02');
    expect(nextDay.map((a) => [a.transactionIds, a.reportable])).toEqual([[['t7'], true]]);
  });

  it('counts a transaction given twice once', () => {
    const twice = aggregateDaily([...FIXTURE, ...FIXTURE], DEFAULT_THRESHOLDS, 480);
    expect(twice).toEqual(all);
  });

  it('takes the day in the reporting time zone', () => {
    expect(businessDayOf(new Date('2026-05-31T15:59:59.999Z'), 480)).toBe('2026-05-31');
    expect(businessDayOf(new Date('2026-05-31T16:00:00Z'), 480)).toBe('2026-06-01');
    expect(businessDayOf(new Date('2026-05-31T16:00:00Z'), 0)).toBe('2026-05-31');
  });
});

describe('working-day deadlines', () => {
  const calendar = { holidays: new Set(['2026-06-03']), workingWeekendDays: new Set<string>() };
  it('skips weekends and holidays, and counts a worked weekend day', () => {
    // Monday 1 June + 5 working days, Wednesday 3 June a holiday: 2, 4, 5, 8, 9 June.
    expect(addWorkingDays('2026-06-01', 5, calendar)).toBe('2026-06-09');
    expect(addWorkingDays('2026-06-05', 1, calendar)).toBe('2026-06-08');
    const worked = { holidays: new Set<string>(), workingWeekendDays: new Set(['2026-06-06']) };
    expect(addWorkingDays('2026-06-05', 1, worked)).toBe('2026-06-06');
    expect(endOfLocalDay('2026-06-09', 480).toISOString()).toBe('2026-06-09T16:00:00.000Z');
  });
  it('knows a calendar date', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-6-1')).toBe(false);
  });
});
