// Proves the portfolio report on a small constructed book with hand-checked figures: approval and bad rates by score band, roll rates between two dates, vintage curves by month on book, and the PSI of application PDs.
import { describe, expect, it } from 'vitest';
import type { ApplicationFact, LoanFact } from './servicing.repository.ts';
import { portfolioReport } from './servicing.ts';

const app = (band: string | null, outcome: string, pd: string | null, asOf = '2026-06-10'): ApplicationFact => ({
  band,
  outcome,
  pd,
  currency: 'CNY',
  asOf,
});

const loan = (over: Partial<LoanFact> & Pick<LoanFact, 'id' | 'band' | 'startDate'>): LoanFact => ({
  currency: 'CNY',
  principalMinor: 1_000_000n,
  status: 'active',
  daysPastDue: 0,
  maxDaysPastDue: 0,
  closedDate: null,
  first30: null,
  first90: null,
  dpdFrom: null,
  dpdTo: null,
  ...over,
});

// Five loans: L1 always current; L2 M1 → M2; L3 M3+ → written off; L4 current → repaid; L5 M3 → M3+.
const LOANS: LoanFact[] = [
  loan({ id: 'L1', band: 'A', startDate: '2026-01-15', dpdFrom: 0, dpdTo: 0 }),
  loan({
    id: 'L2',
    band: 'A',
    startDate: '2026-01-20',
    daysPastDue: 45,
    maxDaysPastDue: 45,
    first30: '2026-06-15',
    dpdFrom: 15,
    dpdTo: 45,
  }),
  loan({
    id: 'L3',
    band: 'B',
    startDate: '2026-02-10',
    status: 'written_off',
    daysPastDue: 120,
    maxDaysPastDue: 120,
    closedDate: '2026-06-20',
    first30: '2026-04-12',
    first90: '2026-06-10',
    dpdFrom: 100,
  }),
  loan({ id: 'L4', band: 'B', startDate: '2026-02-05', status: 'closed', closedDate: '2026-06-10', dpdFrom: 0 }),
  loan({
    id: 'L5',
    band: 'A',
    startDate: '2026-02-25',
    daysPastDue: 95,
    maxDaysPastDue: 95,
    first30: '2026-04-30',
    first90: '2026-06-28',
    dpdFrom: 65,
    dpdTo: 95,
  }),
];

const CURRENT: ApplicationFact[] = [
  app('A', 'approve', '0.020000'),
  app('A', 'approve', '0.030000'),
  app('A', 'approve', '0.025000'),
  app('A', 'refer', '0.035000'),
  app('B', 'approve', '0.050000'),
  app('B', 'decline', '0.070000'),
  app('E', 'decline', '0.400000'),
  app(null, 'decline', null),
  app(null, 'decline', null),
  app(null, 'decline', null),
];

describe('portfolio report', () => {
  const report = portfolioReport({
    asOf: '2026-06-30',
    days: 30,
    rollFrom: '2026-05-31',
    current: CURRENT,
    baseline: [],
    loans: LOANS,
  });

  it('gives approval and bad rates by score band', () => {
    expect(report.bands).toEqual([
      {
        band: 'A',
        applications: 4,
        approved: 3,
        referred: 1,
        declined: 0,
        approvalRate: '0.7500',
        loans: 3,
        bad: 1,
        badRate: '0.3333',
      },
      {
        band: 'B',
        applications: 2,
        approved: 1,
        referred: 0,
        declined: 1,
        approvalRate: '0.5000',
        loans: 2,
        bad: 1,
        badRate: '0.5000',
      },
      {
        band: 'E',
        applications: 1,
        approved: 0,
        referred: 0,
        declined: 1,
        approvalRate: '0.0000',
        loans: 0,
        bad: 0,
        badRate: null,
      },
      {
        band: 'policy',
        applications: 3,
        approved: 0,
        referred: 0,
        declined: 3,
        approvalRate: '0.0000',
        loans: 0,
        bad: 0,
        badRate: null,
      },
    ]);
  });

  it('gives roll rates from bucket to bucket between the two dates, overall and by band', () => {
    expect(report.rollRates.from).toBe('2026-05-31');
    const all = report.rollRates.byBand.find((b) => b.band === 'all');
    const summary = all?.rows.map((r) => [r.from, r.loans, r.rollForward]);
    expect(summary).toEqual([
      ['current', 2, '0.0000'],
      ['M1', 1, '1.0000'],
      ['M3', 1, '1.0000'],
      ['M3+', 1, '1.0000'],
    ]);
    expect(all?.rows[0]?.to).toMatchObject({ current: 1, closed: 1 });
    expect(all?.rows[1]?.to).toMatchObject({ M2: 1 });
    expect(all?.rows[3]?.to).toMatchObject({ written_off: 1 });
    const bandB = report.rollRates.byBand.find((b) => b.band === 'B');
    expect(bandB?.rows.map((r) => [r.from, r.loans, r.rollForward])).toEqual([
      ['current', 1, '0.0000'],
      ['M3+', 1, '1.0000'],
    ]);
  });

  it('draws vintage curves: share ever 30+ days past due by month on book, while observed', () => {
    expect(report.vintages).toEqual([
      {
        vintage: '2026-01',
        loans: 2,
        curve: [
          { mob: 1, observed: 2, bad: 0, rate: '0.0000' },
          { mob: 2, observed: 2, bad: 0, rate: '0.0000' },
          { mob: 3, observed: 2, bad: 0, rate: '0.0000' },
          { mob: 4, observed: 2, bad: 0, rate: '0.0000' },
          { mob: 5, observed: 2, bad: 1, rate: '0.5000' },
        ],
      },
      {
        vintage: '2026-02',
        loans: 3,
        curve: [
          { mob: 1, observed: 3, bad: 0, rate: '0.0000' },
          { mob: 2, observed: 3, bad: 0, rate: '0.0000' },
          { mob: 3, observed: 3, bad: 2, rate: '0.6667' },
          { mob: 4, observed: 3, bad: 2, rate: '0.6667' },
        ],
      },
    ]);
  });

  it('computes the PSI of application PDs: 0 for the same distribution, 8.2831 when all move to the top decile', () => {
    const tenths = Array.from({ length: 10 }, (_, i) => app('A', 'approve', ((i + 1) / 100).toFixed(6)));
    const base = { asOf: '2026-06-30', days: 30, rollFrom: '2026-05-31', loans: [] };
    const same = portfolioReport({ ...base, baseline: tenths, current: tenths });
    expect(same.psi).toMatchObject({
      value: '0.0000',
      status: 'stable',
      baseline: { from: '2026-05-02', to: '2026-05-31', scored: 10 },
      current: { from: '2026-06-01', to: '2026-06-30', scored: 10 },
    });
    // Expected deciles 0.1 each; all current PDs in the last bin: 9 × (0.0001 − 0.1)·ln(0.0001/0.1) + 0.9·ln(10).
    const shifted = portfolioReport({
      ...base,
      baseline: tenths,
      current: tenths.map(() => app('A', 'approve', '0.100000')),
    });
    expect(shifted.psi.value).toBe('8.2831');
    expect(shifted.psi.status).toBe('shifted');
    expect(shifted.psi.bins.at(-1)).toMatchObject({ upper: '+inf', expected: '0.1000', actual: '1.0000' });
    expect(portfolioReport({ ...base, baseline: [], current: tenths }).psi.value).toBeNull();
  });
});
