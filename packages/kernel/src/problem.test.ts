// Proves that Accept-Language negotiation picks zh-CN or en by quality, and that error catalogs render RFC 9457 problem details whose standard members cannot be overridden.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defineErrors,
  interpolate,
  LANGUAGES,
  messageFor,
  negotiateLanguage,
  PROBLEM_TYPE_BASE,
  problemFor,
} from './problem.ts';

describe('negotiateLanguage', () => {
  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-US,en;q=0.9,zh;q=0.8', 'en'],
    ['fr', 'en'],
    ['en;q=0.1, zh-TW', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['ZH-hk', 'zh-CN'],
    ['zh-Hant-TW;q=0.5, fr', 'zh-CN'],
    ['fr, zh;q=0.5', 'zh-CN'],
    ['*', 'en'],
    ['*;q=0.5, zh;q=0.4', 'en'],
    ['en, zh', 'en'],
    ['zh, en', 'zh-CN'],
    ['zh;q=0', 'en'],
    ['zh;q=0, en;q=0.1', 'en'],
    ['zh-CN;q=0.000, fr', 'en'],
    ['en;q=0, zh;q=0.001', 'zh-CN'],
    ['zh;q=abc, en;q=0.5', 'en'],
    ['en; q=0.2, zh; q=0.3', 'zh-CN'],
    [',,, ;q=1, zh', 'zh-CN'],
    ['', 'en'],
  ] as const)('%j → %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });

  it('defaults to en when the header is missing', () => {
    expect(negotiateLanguage(undefined)).toBe('en');
    expect(negotiateLanguage(null)).toBe('en');
  });

  it('always answers a supported language, whatever the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        expect(LANGUAGES).toContain(negotiateLanguage(header));
      }),
    );
  });

  it('looks at no more than 32 ranges', () => {
    expect(negotiateLanguage(`${'fr,'.repeat(32)}zh`)).toBe('en');
    expect(negotiateLanguage(`${'fr,'.repeat(31)}zh`)).toBe('zh-CN');
  });
});

describe('defineErrors', () => {
  it('returns a frozen catalog whose keys are the codes', () => {
    const catalog = defineErrors({
      account_not_found: { status: 404, en: 'Account {id} not found', zh: '账户 {id} 不存在' },
      insufficient_funds: { status: 422, en: 'Insufficient funds', zh: '余额不足' },
    });
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.keys(catalog)).toEqual(['account_not_found', 'insufficient_funds']);
  });

  it('rejects codes that are not snake_case and statuses outside 4xx/5xx', () => {
    const def = { status: 400, en: 'x', zh: 'x' };
    expect(() => defineErrors({ NotFound: def })).toThrow(/snake_case/);
    expect(() => defineErrors({ 'not-found': def })).toThrow(/snake_case/);
    expect(() => defineErrors({ _private: def })).toThrow(/snake_case/);
    expect(() => defineErrors({ '1st': def })).toThrow(/snake_case/);
    expect(() => defineErrors({ ok_code: { ...def, status: 200 } })).toThrow(/4xx\/5xx/);
    expect(() => defineErrors({ ok_code: { ...def, status: 600 } })).toThrow(/4xx\/5xx/);
    expect(() => defineErrors({ ok_code: { ...def, status: 599 } })).not.toThrow();
  });
});

describe('interpolate and messageFor', () => {
  const def = { status: 404, en: 'Account {id} not found', zh: '账户 {id} 不存在' };

  it('fills placeholders in the chosen language', () => {
    expect(messageFor(def, 'en', { id: 'acc_1' })).toBe('Account acc_1 not found');
    expect(messageFor(def, 'zh-CN', { id: 'acc_1' })).toBe('账户 acc_1 不存在');
    expect(interpolate('{a}+{a}={b}', { a: 1, b: 2n })).toBe('1+1=2');
  });

  it('leaves unknown placeholders visible, including names of Object.prototype members', () => {
    expect(messageFor(def, 'en')).toBe('Account {id} not found');
    expect(interpolate('{constructor} {toString} {__proto__} {hasOwnProperty}', {})).toBe(
      '{constructor} {toString} {__proto__} {hasOwnProperty}',
    );
    expect(interpolate('{x}', { y: 1 })).toBe('{x}');
  });
});

describe('problemFor', () => {
  const def = { status: 404, en: 'Account {id} not found', zh: '账户 {id} 不存在' };

  it('renders an RFC 9457 problem in the requested language', () => {
    expect(
      problemFor('account_not_found', def, 'zh-CN', { params: { id: 'acc_1' }, instance: '/v1/accounts/acc_1' }),
    ).toEqual({
      type: `${PROBLEM_TYPE_BASE}account_not_found`,
      title: '账户 acc_1 不存在',
      status: 404,
      code: 'account_not_found',
      instance: '/v1/accounts/acc_1',
    });
  });

  it('omits absent detail and instance, and keeps extensions', () => {
    const problem = problemFor('account_not_found', def, 'en', { detail: 'checked twice', accountId: 'acc_1' });
    expect(problem).toEqual({
      type: `${PROBLEM_TYPE_BASE}account_not_found`,
      title: 'Account {id} not found',
      status: 404,
      code: 'account_not_found',
      detail: 'checked twice',
      accountId: 'acc_1',
    });
    expect('instance' in problem).toBe(false);
    expect('params' in problem).toBe(false);
  });

  it('never lets an extension override type, title, status or code', () => {
    const problem = problemFor('account_not_found', def, 'en', {
      type: 'about:blank',
      title: 'spoofed',
      status: 200,
      code: 'ok',
      extra: true,
    });
    expect(problem.type).toBe(`${PROBLEM_TYPE_BASE}account_not_found`);
    expect(problem.title).toBe('Account {id} not found');
    expect(problem.status).toBe(404);
    expect(problem.code).toBe('account_not_found');
    expect(problem.extra).toBe(true);
    expect(Object.keys(problem).slice(0, 4)).toEqual(['type', 'title', 'status', 'code']);
  });
});
