// Proves the type checker rejects ill-typed rules at save time with the exact position and code, and the compiled closures follow the documented null, arithmetic, list and function semantics.
import { describe, expect, it } from 'vitest';
import type { FeatureVector } from '../event.ts';
import { compileExpression, type RuleSchema } from './compiler.ts';
import { compileLike, type RuleEnvironment } from './functions.ts';

const schema: RuleSchema = {
  features: new Map([
    ['amount', 'number'],
    ['amount_zscore', 'number'],
    ['customer_count_1h', 'number'],
    ['event_time', 'number'],
    ['country', 'string'],
    ['email', 'string'],
    ['device_is_new', 'boolean'],
    ['payee_is_new', 'boolean'],
  ]),
  lists: { high_risk_countries: 'string', blocked_amounts: 'number' },
};

const base: FeatureVector = {
  amount: 1200,
  amount_zscore: 3.5,
  customer_count_1h: 4,
  event_time: Date.UTC(2026, 11, 6, 17, 30), // a Sunday, 17:30 UTC = Monday 01:30 in Beijing
  country: 'NG',
  email: 'Li.Na@Example.com',
  device_is_new: true,
  payee_is_new: null,
};

function run(source: string, features: FeatureVector = base, env?: RuleEnvironment) {
  const compiled = compileExpression(source, schema);
  if (!compiled.ok) throw new Error(`${source}: ${compiled.errors.map((e) => e.en).join('; ')}`);
  return compiled.value.evaluate(features, env);
}

function errorsOf(source: string) {
  const compiled = compileExpression(source, schema);
  return compiled.ok
    ? []
    : compiled.errors.map((e) => ({ code: e.code, line: e.line, column: e.column, length: e.length }));
}

describe('type checking at save time', () => {
  it('rejects an unknown feature with a suggestion, in both languages', () => {
    const compiled = compileExpression('ammount > 5', schema);
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.errors).toEqual([
      {
        code: 'rule_unknown_feature',
        line: 1,
        column: 1,
        length: 7,
        en: 'Unknown feature ammount at line 1, column 1. Did you mean amount?',
        zh: '第 1 行第 1 列引用了未知特征 ammount。是否想写 amount？',
      },
    ]);
  });

  it('rejects unknown functions, wrong arity and unknown lists', () => {
    expect(errorsOf('lowr(country) == "ng"')).toEqual([
      { code: 'rule_unknown_function', line: 1, column: 1, length: 4 },
    ]);
    expect(errorsOf('abs(amount, 2) > 1')).toEqual([{ code: 'rule_arity', line: 1, column: 1, length: 14 }]);
    expect(errorsOf('max(amount) > 1')).toEqual([{ code: 'rule_arity', line: 1, column: 1, length: 11 }]);
    expect(errorsOf('country in @high_risk')).toEqual([{ code: 'rule_unknown_list', line: 1, column: 12, length: 10 }]);
    const arity = compileExpression('round()', schema);
    expect(!arity.ok && arity.errors[0]?.en).toBe(
      'The function round at line 1, column 1 takes 1 to 2 argument(s); it was given 0.',
    );
    expect(!arity.ok && arity.errors[0]?.zh).toBe('第 1 行第 1 列的函数 round 需要 1 到 2 个参数，实际传入 0 个。');
  });

  it('rejects comparing a string with a number at the operator', () => {
    const compiled = compileExpression('country == 5', schema);
    expect(!compiled.ok && compiled.errors).toMatchObject([
      { code: 'rule_type_mismatch', line: 1, column: 9, length: 2 },
    ]);
    expect(!compiled.ok && compiled.errors[0]?.en).toContain('cannot compare a string with a number');
    expect(!compiled.ok && compiled.errors[0]?.zh).toContain('不能用 == 比较字符串和数值');
  });

  it('rejects logic on numbers, arithmetic on strings, ordering booleans and null comparisons', () => {
    expect(errorsOf('amount and device_is_new')).toEqual([
      { code: 'rule_type_mismatch', line: 1, column: 1, length: 6 },
    ]);
    expect(errorsOf('amount > 1 and\n  country + 1 > 2')).toEqual([
      { code: 'rule_type_mismatch', line: 2, column: 3, length: 7 },
    ]);
    expect(errorsOf('-country == "x"')).toEqual([{ code: 'rule_type_mismatch', line: 1, column: 2, length: 7 }]);
    expect(errorsOf('not amount')).toEqual([{ code: 'rule_type_mismatch', line: 1, column: 5, length: 6 }]);
    expect(errorsOf('device_is_new > payee_is_new')).toEqual([
      { code: 'rule_type_mismatch', line: 1, column: 15, length: 1 },
    ]);
    expect(errorsOf('amount == null')).toEqual([{ code: 'rule_type_mismatch', line: 1, column: 11, length: 4 }]);
    expect(errorsOf('null in [1]')).toEqual([{ code: 'rule_type_mismatch', line: 1, column: 1, length: 4 }]);
  });

  it('rejects lists of mixed types and lists that do not fit the operand', () => {
    expect(errorsOf('country in ["NG", 5]')).toEqual([{ code: 'rule_type_mismatch', line: 1, column: 19, length: 1 }]);
    expect(errorsOf('amount in ["NG"]')).toEqual([{ code: 'rule_type_mismatch', line: 1, column: 11, length: 6 }]);
    expect(errorsOf('amount in @high_risk_countries')).toEqual([
      { code: 'rule_type_mismatch', line: 1, column: 11, length: 20 },
    ]);
  });

  it('checks function arguments, including the literal like() pattern and coalesce types', () => {
    expect(errorsOf('lower(amount) == "x"')).toEqual([{ code: 'rule_type_mismatch', line: 1, column: 7, length: 6 }]);
    expect(errorsOf('like(email, country)')).toEqual([{ code: 'rule_type_mismatch', line: 1, column: 13, length: 7 }]);
    expect(errorsOf('coalesce(amount, "0") > 1')).toEqual([
      { code: 'rule_type_mismatch', line: 1, column: 18, length: 3 },
    ]);
  });

  it('limits like() patterns and the number of diagnostics', () => {
    expect(errorsOf(`like(email, '${'%a'.repeat(101)}')`)).toEqual([
      { code: 'rule_too_complex', line: 1, column: 13, length: 204 },
    ]);
    // A long chain nests without parentheses: limited by tree depth, not by the parser's recursion.
    expect(errorsOf(`${'amount + '.repeat(1_100)}amount > 1`)).toMatchObject([{ code: 'rule_too_complex' }]);
    expect(compileExpression(`${'amount + '.repeat(200)}amount > 1`, schema).ok).toBe(true);
    expect(errorsOf(Array.from({ length: 80 }, (_, i) => `f${i} > 1`).join(' or '))).toHaveLength(50);
  });

  it('reports every error of a rule at once, syntax and types together', () => {
    expect(errorsOf('amont > 5 and country == 1 or (device_is_new')).toEqual([
      { code: 'rule_unknown_feature', line: 1, column: 1, length: 5 },
      { code: 'rule_type_mismatch', line: 1, column: 23, length: 2 },
      { code: 'rule_syntax', line: 1, column: 45, length: 0 },
    ]);
  });

  it('types expressions and lists the features they read', () => {
    const compiled = compileExpression('coalesce(email, country)', schema);
    expect(compiled.ok && compiled.value.type).toBe('string');
    const used = compileExpression('amount > 1 and (amount_zscore > 3 or country in @high_risk_countries)', schema);
    expect(used.ok && used.value.featuresUsed).toEqual(['amount', 'amount_zscore', 'country']);
  });
});

describe('evaluation', () => {
  it('does arithmetic with precedence and yields null for division by zero and overflow', () => {
    expect(run('1 + 2 * 3 - 4 / 2 % 3')).toBe(5);
    expect(run('-amount + 200')).toBe(-1000);
    expect(run('amount / 0')).toBe(null);
    expect(run('amount % 0')).toBe(null);
    expect(run('1e308 * 10')).toBe(null);
    expect(run('is_null(amount / (customer_count_1h - 4))')).toBe(true);
  });

  it('compares numbers, strings (by code unit) and booleans', () => {
    expect(run('amount >= 1200 and amount <= 1200 and amount != 1199')).toBe(true);
    expect(run('country < "US" and "b" > "B"')).toBe(true);
    expect(run('device_is_new == true and device_is_new != false')).toBe(true);
  });

  it('treats null per the documented semantics', () => {
    const missing: FeatureVector = { ...base, amount: null, country: null, device_is_new: null };
    // Comparisons with null are false, both == and !=.
    expect(run('amount > 5', missing)).toBe(false);
    expect(run('amount == 5', missing)).toBe(false);
    expect(run('amount != 5', missing)).toBe(false);
    expect(run('country in ["NG"]', missing)).toBe(false);
    expect(run('country not in ["NG"]', missing)).toBe(false);
    // Arithmetic with null yields null.
    expect(run('amount * 2 + 1', missing)).toBe(null);
    // and / or / not read null as false.
    expect(run('device_is_new or amount_zscore > 3', missing)).toBe(true);
    expect(run('device_is_new and true', missing)).toBe(false);
    expect(run('not device_is_new', missing)).toBe(true);
    expect(run('device_is_new == false', missing)).toBe(false);
    // Functions are strict, predicates are false, is_null and coalesce see through.
    expect(run('lower(country)', missing)).toBe(null);
    expect(run('contains(country, "N")', missing)).toBe(false);
    expect(run('is_null(amount) and coalesce(amount, 0) == 0', missing)).toBe(true);
  });

  it('reads a missing feature, NaN, Infinity or a value of the wrong type as null', () => {
    for (const amount of [undefined, Number.NaN, Number.POSITIVE_INFINITY, '12', true]) {
      const features = { ...base, amount } as unknown as FeatureVector;
      expect(run('is_null(amount)', features), String(amount)).toBe(true);
    }
    expect(run('is_null(country)', { amount: 1 })).toBe(true);
  });

  it('looks values up in literal and named lists; an unresolved list is empty', () => {
    const env: RuleEnvironment = {
      lists: (name) => (name === 'high_risk_countries' ? new Set(['NG', 'KP']) : undefined),
    };
    expect(run('country in ["CN", "NG"]')).toBe(true);
    expect(run('amount in [1, -2, 1200]')).toBe(true);
    expect(run('amount not in [1, 2]')).toBe(true);
    expect(run('country in []')).toBe(false);
    expect(run('country in @high_risk_countries', base, env)).toBe(true);
    expect(run('country not in @high_risk_countries', base, env)).toBe(false);
    expect(run('amount in @blocked_amounts', base, env)).toBe(false);
    expect(run('amount not in @blocked_amounts', base, env)).toBe(true);
    expect(run('country in @high_risk_countries', base)).toBe(false);
  });

  it('evaluates the string functions', () => {
    expect(run('lower(email)')).toBe('li.na@example.com');
    expect(run('upper(country)')).toBe('NG');
    expect(run('trim("  a ")')).toBe('a');
    expect(run('len("智融")')).toBe(2);
    expect(run('contains(lower(email), "example") and starts_with(email, "Li") and ends_with(email, ".com")')).toBe(
      true,
    );
    expect(run('like(lower(email), "%@example.%")')).toBe(true);
    expect(run('like(email, "li%")')).toBe(false);
  });

  it('evaluates the math functions, with null outside their domain', () => {
    expect(run('abs(-3) + floor(2.7) + ceil(2.1)')).toBe(8);
    expect(run('round(2.5) + round(-2.5) + round(1.005, 2) * 100')).toBe(100);
    expect(run('round(1.234, 11)')).toBe(null);
    expect(run('min(5, amount, 3) + max(1, 2, amount)')).toBe(1203);
    expect(run('clamp(amount, 0, 1000)')).toBe(1000);
    expect(run('clamp(1, 5, 0)')).toBe(null);
    expect(run('sqrt(16) + log(1) + log10(1000)')).toBe(7);
    expect(run('sqrt(-1)')).toBe(null);
    expect(run('log(0)')).toBe(null);
  });

  it('evaluates the time functions on epoch milliseconds', () => {
    expect(run('hour_of_day(event_time)')).toBe(17);
    expect(run('hour_of_day(event_time, 8)')).toBe(1);
    expect(run('day_of_week(event_time)')).toBe(7);
    expect(run('day_of_week(event_time, 8)')).toBe(1);
    expect(run('hour_of_day(event_time, 15)')).toBe(null);
    expect(run('hour_of_day(-1)')).toBe(23);
    expect(run('day_of_week(0)')).toBe(4);
    expect(run('seconds(1) + minutes(1) + hours(1) + days(1)')).toBe(1_000 + 60_000 + 3_600_000 + 86_400_000);
    expect(run('event_time - days(1) < event_time')).toBe(true);
  });
});

describe('like matcher', () => {
  it('matches % and _ with escapes, over the whole string', () => {
    const cases: [string, string, boolean][] = [
      ['abc', 'abc', true],
      ['abc', 'ab', false],
      ['a%c', 'abbbc', true],
      ['a%c', 'ac', true],
      ['a_c', 'abc', true],
      ['a_c', 'ac', false],
      ['%', '', true],
      ['%b%b%', 'aabab', true],
      ['100\\%', '100%', true],
      ['100\\%', '1000', false],
      ['%a%a%a%a%b', 'a'.repeat(5000), false],
    ];
    for (const [pattern, text, expected] of cases)
      expect(compileLike(pattern)(text), `${pattern} ~ ${text}`).toBe(expected);
  });
});
