// Shared fixtures of the lending flow tests: a platform with lending on a test database, a consumer-loan product and a good application for it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProductRequest } from '@zhirong/credit';
import type { Backend } from '@zhirong/db';
import { openTestDatabase } from '@zhirong/db/testing';
import type { Clock } from '@zhirong/kernel';
import { ledgerModule } from '@zhirong/ledger';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { riskModule } from '@zhirong/risk';
import { makeResidentId } from '@zhirong/simulator';
import { creditModule } from './module.ts';

/** Ledger and lending (and the risk engine, when asked) on a fresh test database; the relay polls rarely. */
export async function bootLendingPlatform(
  backend: Backend,
  clock: Clock,
  options: { withRisk?: boolean } = {},
): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-credit-'));
  const modules = new ModuleRegistry().register(ledgerModule);
  if (options.withRisk) modules.register(riskModule);
  return bootPlatform({
    config: loadConfig({ ZHIRONG_DATA_DIR: dataDir, ZHIRONG_OUTBOX_POLL_MS: '60000' }, dataDir),
    modules: modules.register(creditModule),
    logger: createLogger({ level: 'silent' }),
    db: await openTestDatabase(backend),
    clock,
  });
}

/** The value of a successful outcome; a failure fails the test with its code. */
export function ok<T>(outcome: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.code}`);
  return outcome.value;
}

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
