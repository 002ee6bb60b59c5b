import { defineErrors, interpolate } from '@zhirong/kernel';

/**
 * Every code a rule can be rejected with when it is saved. Rules are checked before they are stored,
 * so none of these can happen while a decision is being made. `{detail}` carries a localised
 * explanation (the operator, the types, what was expected); `{position}` reads "line 3, column 7".
 */
export const ruleErrors = defineErrors({
  rule_syntax: {
    status: 422,
    en: 'Syntax error at {position}: {detail}',
    zh: '{position}语法错误：{detail}',
  },
  rule_unknown_feature: {
    status: 422,
    en: 'Unknown feature {name} at {position}.{hint}',
    zh: '{position}引用了未知特征 {name}。{hint}',
  },
  rule_unknown_function: {
    status: 422,
    en: 'Unknown function {name} at {position}.{hint}',
    zh: '{position}调用了未知函数 {name}。{hint}',
  },
  rule_unknown_list: {
    status: 422,
    en: 'Unknown list @{name} at {position}.{hint}',
    zh: '{position}引用了未知名单 @{name}。{hint}',
  },
  rule_arity: {
    status: 422,
    en: 'The function {name} at {position} takes {expected} argument(s); it was given {count}.',
    zh: '{position}的函数 {name} 需要{expected}个参数，实际传入 {count} 个。',
  },
  rule_type_mismatch: {
    status: 422,
    en: 'Type error at {position}: {detail}',
    zh: '{position}类型错误：{detail}',
  },
  rule_condition_not_boolean: {
    status: 422,
    en: 'A rule condition must be true or false; this one is a {type}.',
    zh: '规则条件必须是布尔值（真或假）；当前条件的类型是{type}。',
  },
  rule_too_complex: {
    status: 422,
    en: 'The expression is too large or too deeply nested: {detail}',
    zh: '表达式过大或嵌套过深：{detail}',
  },
  rule_invalid_field: {
    status: 422,
    en: 'Rule field {field} is invalid: {detail}',
    zh: '规则字段 {field} 无效：{detail}',
  },
  rule_duplicate_id: {
    status: 422,
    en: 'The rule id {id} is used more than once in the ruleset.',
    zh: '规则编号 {id} 在规则集中重复出现。',
  },
  rule_invalid_action: {
    status: 422,
    en: 'The action {action} is not one of decline, review or score.',
    zh: '动作 {action} 无效，只能是 decline、review 或 score。',
  },
  rule_points_required: {
    status: 422,
    en: 'A score rule needs points: an integer from -1000 to 1000.',
    zh: '打分规则必须给出分值：-1000 到 1000 之间的整数。',
  },
  rule_points_not_allowed: {
    status: 422,
    en: 'Only score rules carry points; a {action} rule must not.',
    zh: '只有打分规则才有分值；{action} 规则不能设置分值。',
  },
  rule_points_invalid: {
    status: 422,
    en: 'Points must be an integer from -1000 to 1000; got {points}.',
    zh: '分值必须是 -1000 到 1000 之间的整数；实际为 {points}。',
  },
  rule_too_many_rules: {
    status: 422,
    en: 'A ruleset holds at most {maximum} rules; this one has {count}.',
    zh: '一个规则集最多包含 {maximum} 条规则；当前有 {count} 条。',
  },
});

export type RuleErrorCode = keyof typeof ruleErrors;

/**
 * One reason a rule was rejected. `line` and `column` are 1-based and count UTF-16 code units;
 * `length` is how many code units the problem spans (at least 1 where there is text to point at).
 * In a ruleset, `ruleId` names the rule and `field` the part of it (`condition`, `reason.en`, …).
 */
export interface RuleDiagnostic {
  readonly code: RuleErrorCode;
  readonly line: number;
  readonly column: number;
  readonly length: number;
  readonly en: string;
  readonly zh: string;
  readonly ruleId?: string;
  readonly field?: string;
}

/** A localised piece of a message: the same fact in English and in Chinese. */
export interface Bilingual {
  readonly en: string;
  readonly zh: string;
}

export interface SourceSpan {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

/**
 * Builds a diagnostic from the catalog. Parameters may be plain values (the same in both languages)
 * or `Bilingual` pairs. `position` is filled from the span.
 */
export function diagnostic(
  code: RuleErrorCode,
  span: SourceSpan,
  params: Readonly<Record<string, string | number | Bilingual>> = {},
): RuleDiagnostic {
  const en: Record<string, unknown> = { position: `line ${span.line}, column ${span.column}` };
  const zh: Record<string, unknown> = { position: `第 ${span.line} 行第 ${span.column} 列` };
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'object') {
      en[key] = value.en;
      zh[key] = value.zh;
    } else {
      en[key] = value;
      zh[key] = value;
    }
  }
  const def = ruleErrors[code];
  return {
    code,
    line: span.line,
    column: span.column,
    length: span.length,
    en: interpolate(def.en, en),
    zh: interpolate(def.zh, zh),
  };
}

/** Names of the value types in both languages, for messages. */
export const TYPE_NAMES: Readonly<Record<string, Bilingual>> = {
  number: { en: 'number', zh: '数值' },
  string: { en: 'string', zh: '字符串' },
  boolean: { en: 'boolean', zh: '布尔值' },
  null: { en: 'null', zh: '空值' },
  error: { en: 'invalid expression', zh: '无效表达式' },
};

/** `Did you mean x?` for the closest candidate within two edits, or an empty hint. */
export function suggestion(name: string, candidates: Iterable<string>): Bilingual {
  let best: string | undefined;
  // Short names are too easy to match by accident: one edit for 3–5 characters, two beyond.
  let bestDistance = name.length <= 2 ? 0 : name.length <= 5 ? 2 : 3;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? { en: '', zh: '' } : { en: ` Did you mean ${best}?`, zh: `是否想写 ${best}？` };
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length] ?? limit, limit);
}
