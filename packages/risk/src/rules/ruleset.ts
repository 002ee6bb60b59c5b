import type { FeatureValue, FeatureVector } from '../event.ts';
import { compileExpression, type NormalisedSchema, normaliseSchema, type RuleSchema } from './compiler.ts';
import { type Bilingual, diagnostic, type RuleDiagnostic, type SourceSpan, suggestion, TYPE_NAMES } from './errors.ts';
import { formatExpression } from './format.ts';
import { type Evaluator, type RuleEnvironment, roundTo } from './functions.ts';

export const RULE_ACTIONS = ['decline', 'review', 'score'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const RULESET_LIMITS = {
  rulesMax: 1_000,
  /** Diagnostics returned for one ruleset; the rest are dropped. */
  errorsMax: 500,
  idLengthMax: 64,
  nameLengthMax: 200,
  reasonLengthMax: 500,
  pointsMin: -1_000,
  pointsMax: 1_000,
} as const;

/** A rule as an analyst writes it (and as it is stored). */
export interface RuleSource {
  readonly id: string;
  readonly name?: string;
  /** A boolean expression over the schema's features. */
  readonly condition: string;
  readonly action: RuleAction;
  /** Integer −1000…1000; required for `score` rules and not allowed for the others. */
  readonly points?: number;
  /** Shown to analysts and customers; `{feature}` is replaced by the feature's value. */
  readonly reason: { readonly en: string; readonly zh: string };
  /** Default true. A disabled rule is still validated but never evaluated. */
  readonly enabled?: boolean;
}

export interface RuleHit {
  readonly ruleId: string;
  readonly action: RuleAction;
  /** The rule's points for `score` rules; 0 for `decline` and `review`. */
  readonly points: number;
  readonly reason: { readonly en: string; readonly zh: string };
}

export interface CompiledRule {
  readonly id: string;
  readonly name?: string;
  readonly action: RuleAction;
  readonly points: number;
  readonly enabled: boolean;
  /** The condition in canonical form (see `formatExpression`). */
  readonly condition: string;
  /** Features the condition and the reason texts read, sorted. */
  readonly featuresUsed: readonly string[];
}

export interface CompiledRuleset {
  /** The hits of every enabled rule whose condition is true, in ruleset order. Never throws. */
  evaluate(features: FeatureVector, env?: RuleEnvironment): RuleHit[];
  /** Features read by the enabled rules (conditions and reason placeholders), sorted. */
  readonly featuresUsed: readonly string[];
  readonly rules: readonly CompiledRule[];
}

export type CompileRulesetResult =
  | { readonly ok: true; readonly value: CompiledRuleset }
  | { readonly ok: false; readonly errors: readonly RuleDiagnostic[] };

const WHOLE: SourceSpan = { offset: 0, line: 1, column: 1, length: 0 };
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g;

/** Renders a feature value in a reason text: numbers rounded half away from zero to two decimals, null as "—". */
export function formatFeatureValue(value: FeatureValue | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '—';
    const rounded = roundTo(value, 2);
    return String(rounded === 0 ? 0 : rounded);
  }
  return String(value);
}

/** Position of a character offset in a (possibly multi-line) text, 1-based. */
function spanIn(text: string, offset: number, length: number): SourceSpan {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1, length };
}

type Renderer = (features: FeatureVector) => string;

/**
 * Compiles a reason text: `{name}` placeholders must name schema features (checked now); every
 * other brace is literal text.
 */
function compileReason(
  text: string,
  schema: NormalisedSchema,
  used: Set<string>,
  errors: RuleDiagnostic[],
  at: (d: RuleDiagnostic) => RuleDiagnostic,
): Renderer {
  const pieces: (string | { name: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!schema.features.has(name)) {
      errors.push(
        at(
          diagnostic('rule_unknown_feature', spanIn(text, match.index, match[0].length), {
            name,
            hint: suggestion(name, schema.features.keys()),
          }),
        ),
      );
      continue;
    }
    used.add(name);
    pieces.push(text.slice(last, match.index), { name });
    last = match.index + match[0].length;
  }
  pieces.push(text.slice(last));
  if (pieces.length === 1) return () => text;
  return (features) => {
    let out = '';
    for (const piece of pieces) out += typeof piece === 'string' ? piece : formatFeatureValue(features[piece.name]);
    return out;
  };
}

function invalid(field: string, detail: Bilingual): RuleDiagnostic {
  return diagnostic('rule_invalid_field', WHOLE, { field, detail });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Runnable {
  readonly id: string;
  readonly action: RuleAction;
  readonly points: number;
  readonly condition: Evaluator;
  readonly en: Renderer;
  readonly zh: Renderer;
}

/**
 * Validates and compiles a ruleset. Each rule is checked on its own (id, action, points, reason,
 * condition), and every problem in every rule is returned with the rule's id and the field, so an
 * editor can show them all at once. Input that did not come from TypeScript (JSON) is checked too.
 */
export function compileRuleset(rules: readonly RuleSource[], schema: RuleSchema): CompileRulesetResult {
  const normalised = normaliseSchema(schema);
  const errors: RuleDiagnostic[] = [];
  if (!Array.isArray(rules)) {
    return { ok: false, errors: [invalid('rules', { en: 'must be a list of rules', zh: '必须是规则列表' })] };
  }
  if (rules.length > RULESET_LIMITS.rulesMax) {
    return {
      ok: false,
      errors: [diagnostic('rule_too_many_rules', WHOLE, { maximum: RULESET_LIMITS.rulesMax, count: rules.length })],
    };
  }
  const seen = new Set<string>();
  const runnable: Runnable[] = [];
  const compiledRules: CompiledRule[] = [];
  const featuresUsed = new Set<string>();

  rules.forEach((raw: unknown, index) => {
    const rule = isRecord(raw) ? raw : {};
    const id = typeof rule.id === 'string' ? rule.id : `#${index + 1}`;
    const at =
      (field: string) =>
      (d: RuleDiagnostic): RuleDiagnostic => ({ ...d, ruleId: id, field });
    const before = errors.length;
    if (!isRecord(raw)) {
      errors.push(at('rule')(invalid('rule', { en: 'must be an object', zh: '必须是对象' })));
      return;
    }
    if (typeof rule.id !== 'string' || !ID_PATTERN.test(rule.id) || rule.id.length > RULESET_LIMITS.idLengthMax) {
      errors.push(
        at('id')(
          invalid('id', {
            en: `must be 1–${RULESET_LIMITS.idLengthMax} letters, digits, _ . : or -, starting with a letter or digit`,
            zh: `必须是 1–${RULESET_LIMITS.idLengthMax} 个字母、数字或 _ . : -，以字母或数字开头`,
          }),
        ),
      );
    } else if (seen.has(rule.id)) {
      errors.push(at('id')(diagnostic('rule_duplicate_id', WHOLE, { id: rule.id })));
    } else {
      seen.add(rule.id);
    }
    if (rule.name !== undefined && (typeof rule.name !== 'string' || rule.name.length > RULESET_LIMITS.nameLengthMax)) {
      errors.push(
        at('name')(
          invalid('name', {
            en: `must be text of at most ${RULESET_LIMITS.nameLengthMax} characters`,
            zh: `必须是不超过 ${RULESET_LIMITS.nameLengthMax} 个字符的文本`,
          }),
        ),
      );
    }
    if (rule.enabled !== undefined && typeof rule.enabled !== 'boolean') {
      errors.push(at('enabled')(invalid('enabled', { en: 'must be true or false', zh: '必须是 true 或 false' })));
    }
    const action = RULE_ACTIONS.find((a) => a === rule.action);
    if (action === undefined) {
      errors.push(at('action')(diagnostic('rule_invalid_action', WHOLE, { action: String(rule.action) })));
    }
    const points = rule.points;
    if (action === 'score' && points === undefined) {
      errors.push(at('points')(diagnostic('rule_points_required', WHOLE)));
    } else if (action !== undefined && action !== 'score' && points !== undefined) {
      errors.push(at('points')(diagnostic('rule_points_not_allowed', WHOLE, { action })));
    } else if (
      points !== undefined &&
      (typeof points !== 'number' ||
        !Number.isInteger(points) ||
        points < RULESET_LIMITS.pointsMin ||
        points > RULESET_LIMITS.pointsMax)
    ) {
      errors.push(at('points')(diagnostic('rule_points_invalid', WHOLE, { points: String(points) })));
    }
    const used = new Set<string>();
    const reasons: Partial<Record<'en' | 'zh', Renderer>> = {};
    const reason = isRecord(rule.reason) ? rule.reason : undefined;
    for (const language of ['en', 'zh'] as const) {
      const text = reason?.[language];
      const field = `reason.${language}`;
      if (typeof text !== 'string' || text.trim() === '' || text.length > RULESET_LIMITS.reasonLengthMax) {
        errors.push(
          at(field)(
            invalid(field, {
              en: `must be non-empty text of at most ${RULESET_LIMITS.reasonLengthMax} characters`,
              zh: `必须是不超过 ${RULESET_LIMITS.reasonLengthMax} 个字符的非空文本`,
            }),
          ),
        );
        continue;
      }
      reasons[language] = compileReason(text, normalised, used, errors, at(field));
    }
    let condition: Evaluator | undefined;
    let canonical = '';
    if (typeof rule.condition !== 'string' || rule.condition.trim() === '') {
      errors.push(
        at('condition')(invalid('condition', { en: 'must be a non-empty expression', zh: '必须是非空表达式' })),
      );
    } else {
      const compiled = compileExpression(rule.condition, normalised);
      if (!compiled.ok) {
        errors.push(...compiled.errors.map(at('condition')));
      } else if (compiled.value.type !== 'boolean') {
        const type = TYPE_NAMES[compiled.value.type] as Bilingual;
        const span = compiled.value.expression.span;
        errors.push(at('condition')(diagnostic('rule_condition_not_boolean', span, { type })));
      } else {
        condition = compiled.value.evaluate;
        canonical = formatExpression(compiled.value.expression);
        for (const name of compiled.value.featuresUsed) used.add(name);
      }
    }
    if (errors.length > before || action === undefined || condition === undefined) return;
    const enabled = rule.enabled !== false;
    const resolvedPoints = action === 'score' ? (points as number) : 0;
    compiledRules.push({
      id,
      ...(typeof rule.name === 'string' ? { name: rule.name } : {}),
      action,
      points: resolvedPoints,
      enabled,
      condition: canonical,
      featuresUsed: [...used].sort(),
    });
    if (!enabled) return;
    for (const name of used) featuresUsed.add(name);
    runnable.push({
      id,
      action,
      points: resolvedPoints,
      condition,
      en: reasons.en as Renderer,
      zh: reasons.zh as Renderer,
    });
  });

  if (errors.length > 0) return { ok: false, errors: errors.slice(0, RULESET_LIMITS.errorsMax) };
  const active = Object.freeze(runnable);
  return {
    ok: true,
    value: {
      featuresUsed: Object.freeze([...featuresUsed].sort()),
      rules: Object.freeze(compiledRules),
      evaluate(features, env) {
        const hits: RuleHit[] = [];
        for (const rule of active) {
          if (rule.condition(features, env) === true) {
            hits.push({
              ruleId: rule.id,
              action: rule.action,
              points: rule.points,
              reason: { en: rule.en(features), zh: rule.zh(features) },
            });
          }
        }
        return hits;
      },
    },
  };
}
