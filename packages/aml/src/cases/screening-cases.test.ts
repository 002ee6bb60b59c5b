// Proves screening opens cases on a real database: a customer is screened at onboarding, loading a new list version re-screens every customer and opens a case for a new hit (once, however often the list is loaded again), and a payment's counterparty is screened the first time it is paid.
import { testBackends } from '@zhirong/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvNames } from '../screening/lists.ts';
import { type AmlTestBed, openAmlTestBed } from '../testing.ts';

const V1 = readCsvNames(['id,full_name,date_of_birth', 'p1,Vladimir Putin,1952-10-07'].join('\n'), 'v1.csv');
const V2 = readCsvNames(
  [
    'id,full_name,date_of_birth',
    'p1,Vladimir Putin,1952-10-07',
    'p2,张伟,1970-05-01',
    'p3,Golden Dragon Trading Ltd,',
  ].join('\n'),
  'v2.csv',
);

describe.each(testBackends())('screening cases on %s', (backend) => {
  let bed: AmlTestBed;
  beforeAll(async () => {
    bed = await openAmlTestBed(backend);
  });
  afterAll(async () => {
    await bed?.close();
  });

  const load = (records: typeof V1) =>
    bed.screening.loadList({ listName: 'un-sc', kind: 'sanctions', sourceFormat: 'csv', sourceName: 'x.csv', records });

  it('screens at onboarding, re-screens on a list change, and opens each hit once', async () => {
    await load(V1);
    const profile = {
      customerId: 'cus-zw',
      customerType: 'personal' as const,
      fullName: 'Zhang Wei',
      dateOfBirth: '1970-05-01',
      country: 'CN',
      products: [],
      pep: false,
    };
    const onboarded = await bed.screeningCases.onboard(profile, 'onboarding');
    expect(onboarded.screening).toMatchObject({ screened: 1, hits: 0, cases: [] });
    expect(onboarded.rating.rating).toBe('low');

    await load(V2);
    const rescreen = await bed.screeningCases.rescreenCustomers('un-sc', 'list-change');
    expect(rescreen).toMatchObject({ screened: 1, hits: 1 });
    const opened = rescreen.cases[0];
    expect(opened?.created).toBe(true);
    expect(opened?.case).toMatchObject({
      customerId: 'cus-zw',
      status: 'open',
      subject: { kind: 'screening_hit' },
      evidence: { source: 'rescreen', list: 'un-sc', listVersion: 2, entryPosition: 1 },
    });
    expect((await bed.kyc.rating('cus-zw')).reasons.map((r) => r.code)).toEqual(['open_screening_hit']);

    // The same list loaded again: the hit is found again but opens no second case.
    await load(V2);
    const again = await bed.screeningCases.rescreenCustomers('un-sc', 'list-change');
    expect(again.hits).toBe(1);
    expect(again.cases.map((c) => [c.case.id, c.created])).toEqual([[opened?.case.id, false]]);
    expect(await bed.cases.list({ customerId: 'cus-zw' })).toHaveLength(1);
    expect(await bed.outboxTopics()).toContain('aml.case.opened');
  });

  it('screens a payment counterparty the first time it is paid', async () => {
    expect(await bed.screeningCases.isNewCounterparty('cus-p', 'iban:HK0001')).toBe(true);
    const outcome = await bed.screeningCases.screen(
      [
        {
          customerId: 'cus-p',
          person: { fullName: 'GOLDEN DRAGON TRADING LIMITED' },
          source: 'payment_counterparty',
          counterpartyKey: 'iban:HK0001',
          reference: 'pay_1',
        },
      ],
      'payments',
    );
    expect(outcome.cases).toHaveLength(1);
    expect(outcome.cases[0]?.case.evidence).toMatchObject({ counterpartyKey: 'iban:HK0001', reference: 'pay_1' });
    expect(await bed.screeningCases.isNewCounterparty('cus-p', 'iban:HK0001')).toBe(false);
  });
});
