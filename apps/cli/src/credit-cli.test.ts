// Proves `zhirong credit schedule` prints the hand-checked 等额本息 schedule (8,884.88 a month, the last 8,884.85) and APR as JSON and refuses bad input with a named code and exit 2; and that products create → apply → replay work against an embedded database, the replay identical.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeResidentId } from '@zhirong/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-testing.ts';

const SLOW = 120_000;
const zhirong = cliRunner(undefined, { prefix: ['credit'], timeoutMs: SLOW });
const BASE = ['schedule', '--principal', '100000.00', '--currency', 'CNY', '--months', '12', '--annual-rate', '0.12'];

describe('zhirong credit schedule', () => {
  it(
    'prints installments and the APR as JSON',
    () => {
      const run = zhirong(...BASE, '--method', 'equal-installment', '--start-date', '2026-01-31', '--json');
      expect(run.code, run.stderr).toBe(0);
      const view = JSON.parse(run.stdout);
      expect(view.apr).toBe('0.120000');
      expect(view.installments).toHaveLength(12);
      expect(view.installments[0]).toEqual({
        period: 1,
        dueDate: '2026-02-28',
        principal: '7884.88',
        interest: '1000.00',
        fee: '0.00',
        total: '8884.88',
        remaining: '92115.12',
      });
      expect(view.installments[11]).toMatchObject({ dueDate: '2027-01-31', total: '8884.85', remaining: '0.00' });
    },
    SLOW,
  );

  it(
    'refuses a bad method, rate or amount with the code and exit 2',
    () => {
      const method = zhirong(...BASE, '--method', 'balloon', '--json');
      expect(method.code).toBe(2);
      expect(method.stderr).toContain('credit_method_invalid');
      const rate = zhirong(
        'schedule',
        '--principal',
        '100.00',
        '--currency',
        'CNY',
        '--months',
        '12',
        '--annual-rate',
        '12%',
      );
      expect(rate.code).toBe(2);
      expect(rate.stderr).toContain('credit_rate_invalid');
      const amount = zhirong(
        'schedule',
        '--principal',
        '1.001',
        '--currency',
        'CNY',
        '--months',
        '0',
        '--annual-rate',
        '0.1',
      );
      expect(amount.code).toBe(2);
      expect(amount.stderr).toContain('amount_too_precise');
    },
    SLOW,
  );
});

describe('zhirong credit apply and replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zhirong-credit-cli-'));
  const run = cliRunner(join(dir, 'data'), { prefix: ['credit'], timeoutMs: SLOW });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'creates a product, applies, and replays the decision identically',
    () => {
      const product = run(
        'products',
        'create',
        '--name',
        'Cash loan',
        '--currency',
        'CNY',
        '--min-amount',
        '1000.00',
        '--max-amount',
        '50000.00',
        '--min-term',
        '6',
        '--max-term',
        '24',
        '--annual-rate-min',
        '0.09',
        '--annual-rate-max',
        '0.18',
        '--json',
      );
      expect(product.code, product.stderr).toBe(0);
      const productId = JSON.parse(product.stdout).id;
      const file = join(dir, 'application.json');
      writeFileSync(
        file,
        JSON.stringify({
          productId,
          amount: '10000.00',
          termMonths: 12,
          applicant: {
            name: '陈静',
            idNumber: makeResidentId({ regionCode: '510107', birthDate: '19920202', sex: 'F' }, 3),
            phone: '15800001111',
            monthlyIncome: '18000.00',
            employment: { type: 'teacher', months: 60 },
          },
          external: { bureauScore: 760 },
          consent: { granted: true, version: 'v1', grantedAt: '2026-01-01T00:00:00Z' },
        }),
      );
      const applied = run('apply', '--file', file, '--json');
      expect(applied.code, applied.stderr).toBe(0);
      const application = JSON.parse(applied.stdout);
      expect(application.decision.outcome).toBe('approve');
      const replay = run('replay', application.id, '--json');
      expect(replay.code, replay.stderr).toBe(0);
      expect(JSON.parse(replay.stdout).identical).toBe(true);
    },
    SLOW,
  );
});
