// Shared fixtures of the lending flow tests: a consumer-loan product and a good application for it.
import type { ProductRequest } from '@zhirong/credit';
import { makeResidentId } from '@zhirong/simulator';

export const PRODUCT: ProductRequest = {
  name: '消费贷 Consumer loan',
  currency: 'CNY',
  minAmount: '1000.00',
  maxAmount: '200000.00',
  minTermMonths: 6,
  maxTermMonths: 36,
  method: 'equal-installment',
  annualRateMin: '0.08',
  annualRateMax: '0.18',
  upfrontFeeRate: '0.01',
  graceDays: 3,
};

export function applicationFor(
  productId: string,
  overrides: { birth?: string; amount?: string; idNumber?: string } = {},
) {
  return {
    productId,
    amount: overrides.amount ?? '20000.00',
    termMonths: 12,
    applicant: {
      name: '李娜',
      idNumber:
        overrides.idNumber ??
        makeResidentId({ regionCode: '310115', birthDate: overrides.birth ?? '19900315', sex: 'F' }, 21),
      phone: '13812345678',
      monthlyIncome: '25000.00',
      employment: { type: 'engineer', months: 72 },
    },
    external: { bureauScore: 790, inquiries6m: 0, existingLoans: 0, hasMortgage: true, monthlyDebtPayments: '0.00' },
    consent: { granted: true, version: 'consent-2026-01', grantedAt: '2026-01-01T01:00:00Z' },
  };
}
