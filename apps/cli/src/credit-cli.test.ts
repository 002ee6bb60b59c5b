// Proves `zhirong credit schedule` prints the hand-checked 等额本息 schedule (8,884.88 a month, the last 8,884.85) and APR as JSON, and refuses bad input with a named code and exit 2.
import { describe, expect, it } from 'vitest';
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
