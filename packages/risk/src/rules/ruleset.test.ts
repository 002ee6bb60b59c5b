// Proves rulesets: RuleSource validation reports every bad field with the rule id, conditions must be boolean, reason placeholders are checked and filled in, disabled rules never fire, and hits come back in ruleset order.
import { describe, expect, it } from 'vitest';
import type { RuleSchema } from './compiler.ts';
import { compileRuleset, formatFeatureValue, type RuleSource } from './ruleset.ts';

const schema: RuleSchema = {
  features: {
    amount: 'number',
    amount_zscore: 'number',
    customer_count_1h: 'number',
    country: 'string',
    device_is_new: 'boolean',
  },
  lists: { high_risk_countries: 'string' },
};

const rules: RuleSource[] = [
  {
    id: 'large_amount_new_device',
    name: 'Large amount from a new device',
    condition: 'amount > 5000 and device_is_new',
    action: 'review',
    reason: { en: 'Amount {amount} from a new device', zh: '新设备发起的大额交易：{amount}' },
  },
  {
    id: 'unusual_amount',
    condition: 'amount_zscore >= 3',
    action: 'score',
    points: 250,
    reason: {
      en: 'Amount {amount} is {amount_zscore}σ above usual',
      zh: '金额 {amount} 高于平时 {amount_zscore} 个标准差',
    },
  },
  {
    id: 'velocity',
    condition: 'customer_count_1h > 10',
    action: 'score',
    points: -20,
    reason: { en: 'Many payments in an hour', zh: '一小时内交易次数过多' },
  },
  {
    id: 'sanctioned_country',
    condition: 'country in @high_risk_countries',
    action: 'decline',
    reason: { en: 'Country {country} is on the high-risk list', zh: '国家 {country} 在高风险名单中' },
  },
  {
    id: 'disabled_rule',
    condition: 'amount > 0',
    action: 'decline',
    reason: { en: 'Never', zh: '从不' },
    enabled: false,
  },
];

describe('compileRuleset', () => {
  const compiled = compileRuleset(rules, schema);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const ruleset = compiled.value;

  it('returns the hits of matching enabled rules in order, with interpolated reasons', () => {
    const hits = ruleset.evaluate(
      { amount: 8000.456, amount_zscore: 4.25, customer_count_1h: 2, country: 'KP', device_is_new: true },
      { lists: () => new Set(['KP']) },
    );
    expect(hits).toEqual([
      {
        ruleId: 'large_amount_new_device',
        action: 'review',
        points: 0,
        reason: { en: 'Amount 8000.46 from a new device', zh: '新设备发起的大额交易：8000.46' },
      },
      {
        ruleId: 'unusual_amount',
        action: 'score',
        points: 250,
        reason: { en: 'Amount 8000.46 is 4.25σ above usual', zh: '金额 8000.46 高于平时 4.25 个标准差' },
      },
      {
        ruleId: 'sanctioned_country',
        action: 'decline',
        points: 0,
        reason: { en: 'Country KP is on the high-risk list', zh: '国家 KP 在高风险名单中' },
      },
    ]);
  });

  it('fires nothing on an all-null vector and never fires a disabled rule', () => {
    expect(
      ruleset.evaluate({
        amount: null,
        amount_zscore: null,
        customer_count_1h: null,
        country: null,
        device_is_new: null,
      }),
    ).toEqual([]);
    expect(ruleset.evaluate({ amount: 1, customer_count_1h: 11 }).map((h) => h.ruleId)).toEqual(['velocity']);
  });

  it('lists the features the enabled rules read, and describes each rule', () => {
    expect(ruleset.featuresUsed).toEqual(['amount', 'amount_zscore', 'country', 'customer_count_1h', 'device_is_new']);
    expect(ruleset.rules.map((r) => [r.id, r.enabled, r.points, r.condition])).toEqual([
      ['large_amount_new_device', true, 0, 'amount > 5000 and device_is_new'],
      ['unusual_amount', true, 250, 'amount_zscore >= 3'],
      ['velocity', true, -20, 'customer_count_1h > 10'],
      ['sanctioned_country', true, 0, 'country in @high_risk_countries'],
      ['disabled_rule', false, 0, 'amount > 0'],
    ]);
  });

  it('accepts the schema as a Map too', () => {
    const result = compileRuleset(rules, { ...schema, features: new Map(Object.entries(schema.features)) });
    expect(result.ok).toBe(true);
  });
});

describe('ruleset validation', () => {
  const ok: RuleSource = { id: 'r1', condition: 'amount > 1', action: 'review', reason: { en: 'x', zh: '某' } };

  function errorsOf(input: readonly unknown[]) {
    const result = compileRuleset(input as RuleSource[], schema);
    return result.ok ? [] : result.errors.map((e) => ({ ruleId: e.ruleId, field: e.field, code: e.code }));
  }

  it('rejects duplicate ids, bad actions and points rules', () => {
    expect(
      errorsOf([
        ok,
        { ...ok },
        { ...ok, id: 'r2', action: 'block' },
        { ...ok, id: 'r3', action: 'score' },
        { ...ok, id: 'r4', action: 'decline', points: 10 },
        { ...ok, id: 'r5', action: 'score', points: 1.5 },
        { ...ok, id: 'r6', action: 'score', points: 1001 },
        { ...ok, id: 'r7', action: 'score', points: '10' },
      ]),
    ).toEqual([
      { ruleId: 'r1', field: 'id', code: 'rule_duplicate_id' },
      { ruleId: 'r2', field: 'action', code: 'rule_invalid_action' },
      { ruleId: 'r3', field: 'points', code: 'rule_points_required' },
      { ruleId: 'r4', field: 'points', code: 'rule_points_not_allowed' },
      { ruleId: 'r5', field: 'points', code: 'rule_points_invalid' },
      { ruleId: 'r6', field: 'points', code: 'rule_points_invalid' },
      { ruleId: 'r7', field: 'points', code: 'rule_points_invalid' },
    ]);
  });

  it('rejects malformed ids, names, flags, reasons and conditions from untyped input', () => {
    expect(
      errorsOf([
        { ...ok, id: '' },
        { ...ok, id: 'r2', name: 5 },
        { ...ok, id: 'r3', enabled: 'yes' },
        { ...ok, id: 'r4', reason: { en: '', zh: '某' } },
        { ...ok, id: 'r5', reason: 'x' },
        { ...ok, id: 'r6', condition: '  ' },
        null,
      ]),
    ).toEqual([
      { ruleId: '', field: 'id', code: 'rule_invalid_field' },
      { ruleId: 'r2', field: 'name', code: 'rule_invalid_field' },
      { ruleId: 'r3', field: 'enabled', code: 'rule_invalid_field' },
      { ruleId: 'r4', field: 'reason.en', code: 'rule_invalid_field' },
      { ruleId: 'r5', field: 'reason.en', code: 'rule_invalid_field' },
      { ruleId: 'r5', field: 'reason.zh', code: 'rule_invalid_field' },
      { ruleId: 'r6', field: 'condition', code: 'rule_invalid_field' },
      { ruleId: '#7', field: 'rule', code: 'rule_invalid_field' },
    ]);
  });

  it('reports condition errors with their position and the rule id', () => {
    const result = compileRuleset([{ ...ok, condition: 'amount > 1 and\n  countri == "NG"' }], schema);
    expect(!result.ok && result.errors).toMatchObject([
      { ruleId: 'r1', field: 'condition', code: 'rule_unknown_feature', line: 2, column: 3, length: 7 },
    ]);
  });

  it('requires a boolean condition', () => {
    const result = compileRuleset([{ ...ok, condition: 'amount * 2' }], schema);
    expect(!result.ok && result.errors).toMatchObject([
      { ruleId: 'r1', field: 'condition', code: 'rule_condition_not_boolean', line: 1, column: 1, length: 10 },
    ]);
    expect(!result.ok && result.errors[0]?.zh).toContain('数值');
  });

  it('checks reason placeholders against the schema, with the position in the text', () => {
    const result = compileRuleset(
      [{ ...ok, reason: { en: 'Amount {amount}\nfrom {contry}', zh: '金额 {amt}' } }],
      schema,
    );
    expect(!result.ok && result.errors).toMatchObject([
      { ruleId: 'r1', field: 'reason.en', code: 'rule_unknown_feature', line: 2, column: 6, length: 8 },
      { ruleId: 'r1', field: 'reason.zh', code: 'rule_unknown_feature', line: 1, column: 4, length: 5 },
    ]);
    expect(!result.ok && result.errors[0]?.en).toContain('Did you mean country?');
  });

  it('leaves other braces alone', () => {
    const result = compileRuleset(
      [{ ...ok, reason: { en: 'Set {a b} and {} and {{amount}}', zh: '{ amount }' } }],
      schema,
    );
    expect(result.ok && result.value.evaluate({ amount: 5 })[0]?.reason).toEqual({
      en: 'Set {a b} and {} and {5}',
      zh: '{ amount }',
    });
  });

  it('rejects too many rules and collects errors from every rule at once', () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ ...ok, id: `r${i}` }));
    expect(errorsOf(many)).toEqual([{ ruleId: undefined, field: undefined, code: 'rule_too_many_rules' }]);
    const errors = errorsOf([
      { ...ok, condition: 'x > 1' },
      { ...ok, id: 'r2', condition: 'amount > "1"', action: 'score' },
    ]);
    expect(errors).toEqual([
      { ruleId: 'r1', field: 'condition', code: 'rule_unknown_feature' },
      { ruleId: 'r2', field: 'points', code: 'rule_points_required' },
      { ruleId: 'r2', field: 'condition', code: 'rule_type_mismatch' },
    ]);
  });
});

describe('formatFeatureValue', () => {
  it('shows numbers with at most two decimals and null as a dash', () => {
    expect([1, 2.5, 1 / 3, -0.005, null, undefined, true, 'NG', Number.NaN].map(formatFeatureValue)).toEqual([
      '1',
      '2.5',
      '0.33',
      '-0.01',
      '—',
      '—',
      'true',
      'NG',
      '—',
    ]);
  });
});
