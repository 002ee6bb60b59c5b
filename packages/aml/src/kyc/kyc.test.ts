// Proves the KYC rating is explainable and replayable: each band from hand-summed reasons, PEP and a suspicious case forcing high, and on a real database re-rating on a profile change, a case opened and a case decided, each rating stored with the inputs that replay it.
import { testBackends } from '@zhirong/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmlTestBed, openAmlTestBed } from '../testing.ts';
import { type KycProfile, rateCustomer } from './rating.ts';

const plain: KycProfile = {
  customerId: 'cus-k1',
  customerType: 'personal',
  fullName: '王小明',
  dateOfBirth: '1985-03-02',
  nationality: 'CN',
  country: 'CN',
  occupation: 'teacher',
  products: ['current_account'],
  pep: false,
};
const noCases = { openScreeningHits: 0, openAlerts: 0, suspicious: 0, falsePositives: 0 };

describe('rateCustomer', () => {
  it('gives the band of the summed reasons', () => {
    expect(rateCustomer({ profile: plain, profileVersion: 1, cases: noCases })).toEqual({
      rating: 'low',
      score: 0,
      modelVersion: 'kyc-rating-1',
      reasons: [],
    });
    // Money service business 20 + remittance and prepaid products 10 + 10 = 40: medium.
    const medium = rateCustomer({
      profile: {
        ...plain,
        occupation: 'money_service_business',
        products: ['cross_border_remittance', 'prepaid_card'],
      },
      profileVersion: 1,
      cases: noCases,
    });
    expect(medium).toMatchObject({ rating: 'medium', score: 40 });
    expect(medium.reasons.map((r) => [r.code, r.points])).toEqual([
      ['high_risk_occupation', 20],
      ['high_risk_products', 20],
    ]);
    // Resident in IR 30 + three open alerts (capped) 30 = 60: high.
    const high = rateCustomer({
      profile: { ...plain, country: 'IR' },
      profileVersion: 1,
      cases: { ...noCases, openAlerts: 3 },
    });
    expect(high).toMatchObject({ rating: 'high', score: 60 });
  });

  it('rates a PEP or a customer with a suspicious case high whatever the score', () => {
    expect(rateCustomer({ profile: { ...plain, pep: true }, profileVersion: 1, cases: noCases }).rating).toBe('high');
    const suspicious = rateCustomer({ profile: plain, profileVersion: 1, cases: { ...noCases, suspicious: 1 } });
    expect(suspicious).toMatchObject({ rating: 'high', reasons: [{ code: 'suspicious_case', points: 50 }] });
  });
});

describe.each(testBackends())('AmlKycService on %s', (backend) => {
  let bed: AmlTestBed;
  beforeAll(async () => {
    bed = await openAmlTestBed(backend);
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('re-rates on onboarding, a profile change, a case opened and a case decided', async () => {
    const onboarded = await bed.kyc.upsertProfile(plain);
    expect(onboarded).toMatchObject({ version: 1, rating: { rating: 'low', trigger: 'onboarding' } });
    const repeat = await bed.kyc.upsertProfile(plain);
    expect(repeat.rating.id).toBe(onboarded.rating.id);

    const changed = await bed.kyc.upsertProfile({ ...plain, occupation: 'casino' });
    expect(changed).toMatchObject({ version: 2, rating: { rating: 'low', score: 20, trigger: 'profile_change' } });

    const [opened] = await bed.cases.openCases(
      [{ subject: { kind: 'screening_hit', id: 'k-hit' }, customerId: plain.customerId, summary: 'hit', evidence: {} }],
      'screening',
    );
    expect(await bed.kyc.rating(plain.customerId)).toMatchObject({ rating: 'high', score: 50, trigger: 'case_opened' }); // casino 20 + open hit 30

    await bed.cases.decide(opened?.case.id as string, 'suspicious', 'confirmed match', 'mlro');
    const final = await bed.kyc.rating(plain.customerId);
    expect(final).toMatchObject({ rating: 'high', score: 70, trigger: 'case_decided' }); // casino 20 + suspicious 50
    expect(final.inputs).toEqual({
      profile: { ...plain, occupation: 'casino' },
      profileVersion: 2,
      cases: { openScreeningHits: 0, openAlerts: 0, suspicious: 1, falsePositives: 0 },
    });
    const { rating, score, reasons, modelVersion } = final;
    expect(bed.kyc.replay(final)).toEqual({ rating, score, reasons, modelVersion });
    expect((await bed.kyc.ratings(plain.customerId)).map((r) => r.trigger)).toEqual([
      'case_decided',
      'case_opened',
      'profile_change',
      'onboarding',
    ]);
    await expect(bed.kyc.upsertProfile({ ...plain, country: 'China' })).rejects.toMatchObject({
      code: 'kyc_profile_invalid',
    });
  });
});
