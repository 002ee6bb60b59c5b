// Proves the schedule and APR figures against hand-checked values: 100,000.00 CNY, 12 months, 12 % equal installment is 8,884.88 a month with the last 8,884.85; equal principal and interest-only; end-of-month due dates; day counts; APR with fees.
import { describe, expect, it } from 'vitest';
import { aprOf, exceedsCap, rateText } from './apr.ts';
import { addMonths, buildSchedule, D, periodYearFraction, type ScheduleInput } from './schedule.ts';

function schedule(partial: Partial<ScheduleInput> = {}) {
  const result = buildSchedule({
    principalMinor: 10_000_000n,
    months: 12,
    annualRate: new D('0.12'),
    method: 'equal-installment',
    startDate: '2026-01-15',
    ...partial,
  });
  if (!result.ok) throw new Error(result.code);
  return result.value;
}

describe('equal installment (等额本息)', () => {
  it('pays 8,884.88 a month on 100,000.00 at 12 % over 12 months, the last adjusted to 8,884.85', () => {
    const s = schedule();
    expect(s.installments.slice(0, 11).every((i) => i.totalMinor === 888_488n)).toBe(true);
    const first = s.installments[0];
    // 1 % of 100,000.00 is 1,000.00 interest; the rest repays principal.
    expect(first?.interestMinor).toBe(100_000n);
    expect(first?.principalMinor).toBe(788_488n);
    const last = s.installments[11];
    expect(last?.principalMinor).toBe(879_688n);
    expect(last?.interestMinor).toBe(8_797n);
    expect(last?.totalMinor).toBe(888_485n);
    expect(last?.remainingMinor).toBe(0n);
    expect(s.totalInterestMinor).toBe(661_853n);
  });

  it('splits a zero-rate loan evenly, the last absorbing the remainder', () => {
    const s = schedule({ principalMinor: 100n, months: 3, annualRate: new D(0) });
    expect(s.installments.map((i) => i.principalMinor)).toEqual([33n, 33n, 34n]);
    expect(s.totalInterestMinor).toBe(0n);
  });
});

describe('equal principal (等额本金) and interest-only (先息后本)', () => {
  it('repays 8,333.33 of principal a month and 8,333.37 last, interest falling by 83.33 or so', () => {
    const s = schedule({ method: 'equal-principal' });
    expect(s.installments.slice(0, 11).every((i) => i.principalMinor === 833_333n)).toBe(true);
    expect(s.installments[11]?.principalMinor).toBe(833_337n);
    expect(s.installments.map((i) => i.interestMinor).slice(0, 3)).toEqual([100_000n, 91_667n, 83_333n]);
    expect(s.installments[0]?.totalMinor).toBe(933_333n);
  });

  it('charges 1,000.00 interest every month and the principal with the last', () => {
    const s = schedule({ method: 'interest-only' });
    expect(s.installments.every((i) => i.interestMinor === 100_000n)).toBe(true);
    expect(s.installments.slice(0, 11).every((i) => i.principalMinor === 0n)).toBe(true);
    expect(s.installments[11]?.totalMinor).toBe(10_100_000n);
  });
});

describe('dates and day counts', () => {
  it('clamps due dates to the end of the month without drifting', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 2)).toBe('2026-03-31');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    const s = schedule({ startDate: '2026-01-31', months: 3 });
    expect(s.installments.map((i) => i.dueDate)).toEqual(['2026-02-28', '2026-03-31', '2026-04-30']);
  });

  it('uses 1/12 for 30/360 and actual days for ACT/365 and ACT/360', () => {
    expect(periodYearFraction('2026-01-31', '2026-02-28', '30/360').toString()).toBe(new D(1).div(12).toString());
    expect(periodYearFraction('2026-01-31', '2026-02-28', 'ACT/365').toString()).toBe(new D(28).div(365).toString());
    // 100,000.00 × 12 % × 28/360 = 933.33
    const s = schedule({ startDate: '2026-01-31', dayCount: 'ACT/360' });
    expect(s.installments[0]?.interestMinor).toBe(93_333n);
    expect(s.installments.reduce((sum, i) => sum + i.principalMinor, 0n)).toBe(10_000_000n);
  });

  it('rejects bad terms, rates, dates and principals with a code', () => {
    const base = {
      principalMinor: 100n,
      months: 12,
      annualRate: new D('0.1'),
      method: 'equal-installment' as const,
      startDate: '2026-01-01',
    };
    expect(buildSchedule({ ...base, months: 0 })).toEqual({ ok: false, code: 'term_invalid' });
    expect(buildSchedule({ ...base, months: 361 })).toEqual({ ok: false, code: 'term_invalid' });
    expect(buildSchedule({ ...base, annualRate: new D('1.5') })).toEqual({ ok: false, code: 'rate_invalid' });
    expect(buildSchedule({ ...base, startDate: '2026-02-30' })).toEqual({ ok: false, code: 'date_invalid' });
    expect(buildSchedule({ ...base, principalMinor: 0n })).toEqual({ ok: false, code: 'principal_invalid' });
  });
});

describe('APR (IRR of the cash flows)', () => {
  it('equals the contract rate without fees: 12.0000 % nominal, 12.6825 % effective', () => {
    const apr = aprOf(schedule());
    expect(rateText(apr.nominal)).toBe('0.120000');
    expect(rateText(apr.effective)).toBe('0.126825');
  });

  it('rises with an upfront fee: 2 % withheld makes 15.8545 %', () => {
    const apr = aprOf(schedule(), 200_000n);
    expect(rateText(apr.nominal)).toBe('0.158545');
    expect(exceedsCap(apr, new D('0.24'))).toBe(false);
    expect(exceedsCap(apr, new D('0.15'))).toBe(true);
  });

  it('counts periodic fees: 0.6 % a month on 12 % is above the 24 % cap', () => {
    const apr = aprOf(schedule({ periodicFeeMinor: 60_000n }));
    expect(apr.nominal.gt(new D('0.24'))).toBe(true);
    expect(exceedsCap(apr, new D('0.24'))).toBe(true);
  });
});
