// Proves the rule error catalog is well formed (snake_case codes, 422, Chinese and English text) and diagnostics fill the position into both languages.
import { describe, expect, it } from 'vitest';
import { diagnostic, ruleErrors, suggestion } from './errors.ts';

describe('rule error catalog', () => {
  it('has a snake_case code, status 422 and text in both languages for every entry', () => {
    for (const [code, def] of Object.entries(ruleErrors)) {
      expect(code).toMatch(/^rule_[a-z_]+$/);
      expect(def.status).toBe(422);
      expect(def.en.length).toBeGreaterThan(0);
      expect(def.zh, code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('fills the position and bilingual parameters into both messages', () => {
    const span = { offset: 12, line: 2, column: 5, length: 3 };
    expect(diagnostic('rule_type_mismatch', span, { detail: { en: 'numbers only', zh: '只能是数值' } })).toEqual({
      code: 'rule_type_mismatch',
      line: 2,
      column: 5,
      length: 3,
      en: 'Type error at line 2, column 5: numbers only',
      zh: '第 2 行第 5 列类型错误：只能是数值',
    });
  });

  it('suggests a close name only when it is close for the name length', () => {
    expect(suggestion('amont', ['amount', 'country'])).toEqual({
      en: ' Did you mean amount?',
      zh: '是否想写 amount？',
    });
    expect(suggestion('x', ['y'])).toEqual({ en: '', zh: '' });
    expect(suggestion('customer_count_1d', ['customer_count_1h', 'customer_count_24h']).en).toBe(
      ' Did you mean customer_count_1h?',
    );
    expect(suggestion('zzzzzz', ['amount'])).toEqual({ en: '', zh: '' });
  });
});
