// Proves the credit decision on hand-built inputs: policy rules decline first (age, deny list, active loans, debt-to-income) with their reasons, a fraud review refers, a strong applicant is approved within the APR cap with a limit from the PD band, a weak one is declined by the scorecard with at most four zh/en reasons, and the same inputs always give the same bytes.
import { describe, expect, it } from 'vitest';
import {
  bundledModels,
  type DecisionInputs,
  decide,
  decisionBytes,
  gbdtModel,
  MODEL_ROLES,
  POLICY,
} from './decision.ts';

const STRONG: DecisionInputs = {
  asOf: '2026-01-10',
  currency: 'CNY',
  amountMinor: '2000000',
  termMonths: 12,
  age: 35,
  employment: 'engineer',
  monthsEmployed: 72,
  monthlyIncomeMinor: '2500000',
  bureauScore: 790,
  inquiries6m: 0,
  existingLoans: 0,
  hasMortgage: true,
  monthlyDebtMinor: '0',
  activeLoansHere: 0,
  monthlyDebtHereMinor: '0',
  screening: { denyListed: false, fraud: 'allow', source: 'test' },
  product: {
    id: '00000000-0000-7000-8000-000000000001',
    amountMinMinor: '100000',
    amountMaxMinor: '20000000',
    method: 'equal-installment',
    dayCount: '30/360',
    annualRateMin: '0.08',
    annualRateMax: '0.18',
    upfrontFeeRate: '0.01',
    monthlyFeeRate: '0',
    aprCap: '0.24',
  },
};

describe('credit decision', () => {
  it('approves a strong applicant with a limit and an APR under the cap', () => {
    const d = decide(STRONG);
    expect(d.outcome).toBe('approve');
    // Inputs without the platform's own data are decided (and replayed) under the policy before it.
    expect(d.policyVersion).toBe('credit-policy-2026.1');
    expect(['A', 'B']).toContain(d.band);
    expect(BigInt(d.limitMinor) >= 2_000_000n).toBe(true);
    expect(d.approvedAmountMinor).toBe('2000000');
    expect(Number(d.apr)).toBeLessThanOrEqual(0.24);
    expect(decisionBytes(decide(STRONG))).toBe(decisionBytes(d));
  });

  it('declines on policy rules first, with their reasons', () => {
    const old = decide({ ...STRONG, age: 66 });
    expect(old).toMatchObject({ outcome: 'decline', pd: null, reasons: [{ code: 'policy_age' }] });
    expect(decide({ ...STRONG, screening: { ...STRONG.screening, denyListed: true } }).reasons[0]?.code).toBe(
      'policy_deny_list',
    );
    expect(decide({ ...STRONG, activeLoansHere: 3 }).reasons[0]?.code).toBe('policy_active_loans');
    const indebted = decide({ ...STRONG, monthlyDebtMinor: '1500000' });
    expect(indebted.outcome).toBe('decline');
    expect(indebted.checks.find((c) => c.rule === 'debt_to_income')).toMatchObject({ passed: false });
  });

  it('refers when the fraud check asks for a review and declines when it blocks', () => {
    expect(decide({ ...STRONG, screening: { ...STRONG.screening, fraud: 'review' } }).outcome).toBe('refer');
    expect(decide({ ...STRONG, screening: { ...STRONG.screening, fraud: 'block' } }).outcome).toBe('decline');
  });

  it('declines a weak applicant on the scorecard with at most four bilingual reasons', () => {
    const weak = decide({
      ...STRONG,
      age: 22,
      employment: 'freelancer',
      monthsEmployed: 2,
      bureauScore: 380,
      inquiries6m: 12,
      existingLoans: 4,
      hasMortgage: false,
      monthlyIncomeMinor: '600000',
      amountMinor: '1000000',
      monthlyDebtMinor: '150000',
    });
    expect(weak.outcome).not.toBe('approve');
    expect(Number(weak.pd)).toBeGreaterThan(0.12);
    expect(weak.reasons.length).toBeGreaterThan(0);
    expect(weak.reasons.length).toBeLessThanOrEqual(4);
    expect(weak.reasons.map((r) => r.code)).toContain('bureau_score');
    for (const r of weak.reasons) expect(r.zh.length * r.en.length).toBeGreaterThan(0);
  });

  it('records the GBDT challenger PD and TreeSHAP reasons beside the scorecard, and replays byte for byte', () => {
    const { champion, challenger } = bundledModels();
    expect(champion.artefact.kind).toBe(MODEL_ROLES.champion);
    expect(challenger.artefact.kind).toBe('gbdt');
    const models = { champion: champion.artefact.contentHash, challenger: challenger.artefact.contentHash };
    const weakInputs: DecisionInputs = {
      ...STRONG,
      models,
      bureauScore: 430,
      inquiries6m: 9,
      existingLoans: 3,
      hasMortgage: false,
      monthsEmployed: 4,
    };
    const d = decide(weakInputs);
    // The champion decides exactly as the scorecard alone does; the challenger is recorded beside it.
    const { challenger: recorded, ...withoutChallenger } = d;
    expect(decisionBytes(withoutChallenger)).toBe(
      decisionBytes(decide({ ...STRONG, ...weakInputs, models: undefined })),
    );
    expect(recorded?.modelVersion).toBe(gbdtModel().artefact.contentHash);
    expect(recorded?.kind).toBe('gbdt');
    const frame = gbdtModel().explain(
      {
        header: [
          'bureau_score',
          'inquiries_6m',
          'debt_to_income',
          'existing_loans',
          'months_employed',
          'has_mortgage',
          'loan_to_income',
          'term_months',
          'age',
          'employment',
        ],
        columns: [['430'], ['9'], ['0.00'], ['3'], ['4'], ['0'], ['0.80'], ['12'], ['35'], ['engineer']],
        rows: 1,
        fingerprint: '',
      },
      0,
    );
    expect(recorded?.pd).toBe(frame.probability.toFixed(6));
    // TreeSHAP: the reasons are the features that raise the log-odds most, largest first.
    expect(recorded?.reasons.map((r) => r.code)).toEqual(frame.reasons);
    expect(recorded?.reasons.map((r) => r.code)).toContain('bureau_score');
    expect(recorded?.reasons.length).toBeLessThanOrEqual(4);
    expect(decisionBytes(decide(weakInputs))).toBe(decisionBytes(d));
    // A decision stored before the challenger (no models in its inputs) replays without one.
    expect(decide(STRONG).challenger).toBeUndefined();
    // A policy decline records no model output at all.
    expect(decide({ ...weakInputs, age: 70 }).challenger).toBeUndefined();
    expect(() => decide({ ...STRONG, models: { ...models, challenger: 'sha256:unknown' } })).toThrow('not bundled');
  });

  it('declines on an earlier written-off loan here when the platform data is among the inputs', () => {
    const clean = { count: 2, active: 0, closed: 2, writtenOff: 0, maxDaysPastDue: 0 };
    const withHistory = decide({ ...STRONG, platform: { earlierLoans: clean } });
    expect(withHistory.policyVersion).toBe(POLICY.version);
    expect(withHistory.outcome).toBe('approve');
    expect(withHistory.checks.at(-1)).toEqual({ rule: 'prior_write_off', passed: true, value: '0', limit: '0' });
    const burnt = decide({ ...STRONG, platform: { earlierLoans: { ...clean, closed: 1, writtenOff: 1 } } });
    expect(burnt).toMatchObject({ outcome: 'decline', pd: null, reasons: [{ code: 'policy_prior_write_off' }] });
    expect(decide(STRONG).checks.map((c) => c.rule)).not.toContain('prior_write_off');
  });
});
