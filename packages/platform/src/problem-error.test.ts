// Proves a ProblemError carries its catalog entry to the edge and renders RFC 9457 problem details in either language, with params, detail and instance.
import { defineErrors, PROBLEM_TYPE_BASE } from '@zhirong/kernel';
import { ProblemError, problem } from '@zhirong/platform';
import { describe, expect, it } from 'vitest';

const ledgerErrors = defineErrors({
  account_not_found: { status: 404, en: 'Account {id} not found', zh: '账户 {id} 不存在' },
  insufficient_funds: { status: 422, en: 'Insufficient funds', zh: '余额不足' },
});

describe('ProblemError', () => {
  it('takes its status and message from the catalog', () => {
    const error = problem(ledgerErrors, 'insufficient_funds');
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProblemError');
    expect(error.code).toBe('insufficient_funds');
    expect(error.status).toBe(422);
    expect(error.message).toBe('insufficient_funds: Insufficient funds');
  });

  it('renders problem details in English and Chinese, its params filled into the title', () => {
    const error = problem(ledgerErrors, 'account_not_found', { params: { id: 'acc_1' } });
    expect(error.toProblem('en', '/v1/ledger/accounts/acc_1')).toEqual({
      type: `${PROBLEM_TYPE_BASE}account_not_found`,
      title: 'Account acc_1 not found',
      status: 404,
      code: 'account_not_found',
      instance: '/v1/ledger/accounts/acc_1',
    });
    expect(error.toProblem('zh-CN').title).toBe('账户 acc_1 不存在');
    expect(error.toProblem('zh-CN')).not.toHaveProperty('instance');
  });

  it('adds detail and extensions, which never override the standard members', () => {
    const error = problem(ledgerErrors, 'insufficient_funds', {
      detail: 'Balance 100 is below 250',
      extensions: { availableMinor: '100', status: 200, code: 'ok', type: 'x' },
    });
    expect(error.toProblem('en')).toEqual({
      type: `${PROBLEM_TYPE_BASE}insufficient_funds`,
      title: 'Insufficient funds',
      status: 422,
      code: 'insufficient_funds',
      detail: 'Balance 100 is below 250',
      availableMinor: '100',
    });
  });

  it('keeps the headers it is given for the edge to send', () => {
    const error = problem(ledgerErrors, 'insufficient_funds', { headers: { 'retry-after': '5' } });
    expect(error.options.headers).toEqual({ 'retry-after': '5' });
  });
});
