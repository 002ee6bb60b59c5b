// Proves for random input: every well-typed random expression compiles, and its closure never throws and returns a value of its static type (or null) on any feature vector, including nulls, NaN, missing and wrongly typed values; any random tree printed by formatExpression parses back to the same tree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeatureValue, FeatureVector } from '../event.ts';
import { type Expression, type ListItem, stripSpans } from './ast.ts';
import { compileExpression, type RuleSchema } from './compiler.ts';
import { formatExpression } from './format.ts';
import { compileLike, type RuleEnvironment } from './functions.ts';
import { parseExpression } from './parser.ts';
import { compileRuleset } from './ruleset.ts';

const span = { offset: 0, line: 1, column: 1, length: 0 };
const FEATURES = {
  number: ['amount', 'customer_count_1h', 'geo.speed_kmh'],
  string: ['country', 'email'],
  boolean: ['device_is_new', 'payee_is_new'],
} as const;
const schema: RuleSchema = {
  features: Object.fromEntries(
    Object.entries(FEATURES).flatMap(([type, names]) => names.map((name) => [name, type as 'number'])),
  ),
  lists: { deny_countries: 'string', deny_amounts: 'number' },
};

type T = 'number' | 'string' | 'boolean';

/** Numbers lean to the edges: 0, 1, tiny, huge, with fractions and exponents. */
const numberValue = fc.oneof(
  fc.constantFrom(0, 1, 2, 0.5, 1e-7, 1e21, 1.7976931348623157e308, 5e-324, 1000),
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
  fc.nat(100_000),
);
const stringValue = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', "'", '"', '\\', '\n', '%_', '中文', '\u2028', '\u0000', 'NG'),
);

const call = (name: string, ...args: Expression[]): Expression => ({ kind: 'call', name, args, nameSpan: span, span });
const binary = (operator: string, left: Expression, right: Expression): Expression =>
  ({ kind: 'binary', operator, left, right, operatorSpan: span, span }) as Expression;
const unary = (operator: '-' | 'not', operand: Expression): Expression => ({ kind: 'unary', operator, operand, span });
const feature = (name: string): Expression => ({ kind: 'feature', name, span });

const typedCache = new Map<string, fc.Arbitrary<Expression>>();

/** A random expression of the given type that the checker must accept (memoised per type and depth). */
function typed(type: T, depth: number): fc.Arbitrary<Expression> {
  const key = `${type}:${depth}`;
  const cached = typedCache.get(key);
  if (cached !== undefined) return cached;
  const built = buildTyped(type, depth);
  typedCache.set(key, built);
  return built;
}

function buildTyped(type: T, depth: number): fc.Arbitrary<Expression> {
  const leaf: Record<T, fc.Arbitrary<Expression>> = {
    number: fc.oneof(
      numberValue.map((value): Expression => ({ kind: 'number', value, span })),
      fc.constantFrom(...FEATURES.number).map(feature),
    ),
    string: fc.oneof(
      stringValue.map((value): Expression => ({ kind: 'string', value, span })),
      fc.constantFrom(...FEATURES.string).map(feature),
    ),
    boolean: fc.oneof(
      fc.boolean().map((value): Expression => ({ kind: 'boolean', value, span })),
      fc.constantFrom(...FEATURES.boolean).map(feature),
    ),
  };
  if (depth <= 0) return leaf[type];
  const n = () => typed('number', depth - 1);
  const s = () => typed('string', depth - 1);
  const b = () => typed('boolean', depth - 1);
  const nullable = (arb: fc.Arbitrary<Expression>) =>
    fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: fc.constant<Expression>({ kind: 'null', span }) });
  const composite: Record<T, fc.Arbitrary<Expression>> = {
    number: fc.oneof(
      nullable(n()).map((x) => unary('-', x)),
      fc
        .tuple(fc.constantFrom('+', '-', '*', '/', '%'), nullable(n()), nullable(n()))
        .map(([op, l, r]) => binary(op, l, r)),
      fc
        .tuple(
          fc.constantFrom(
            'abs',
            'floor',
            'ceil',
            'sqrt',
            'log',
            'log10',
            'round',
            'seconds',
            'minutes',
            'hours',
            'days',
          ),
          n(),
        )
        .map(([name, x]) => call(name, x)),
      fc
        .tuple(fc.constantFrom('round', 'hour_of_day', 'day_of_week'), n(), n())
        .map(([name, x, y]) => call(name, x, y)),
      fc
        .tuple(fc.constantFrom('min', 'max', 'coalesce'), fc.array(n(), { minLength: 2, maxLength: 3 }))
        .map(([name, args]) => call(name, ...args)),
      fc.tuple(n(), n(), n()).map(([x, lo, hi]) => call('clamp', x, lo, hi)),
      s().map((x) => call('len', x)),
    ),
    string: fc.oneof(
      fc.tuple(fc.constantFrom('lower', 'upper', 'trim'), nullable(s())).map(([name, x]) => call(name, x)),
      fc.tuple(s(), nullable(s())).map(([x, y]) => call('coalesce', x, y)),
    ),
    boolean: fc.oneof(
      nullable(b()).map((x) => unary('not', x)),
      fc.tuple(fc.constantFrom('and', 'or'), nullable(b()), nullable(b())).map(([op, l, r]) => binary(op, l, r)),
      fc.tuple(fc.constantFrom('==', '!=', '<', '<=', '>', '>='), n(), n()).map(([op, l, r]) => binary(op, l, r)),
      fc.tuple(fc.constantFrom('==', '!=', '<', '<=', '>', '>='), s(), s()).map(([op, l, r]) => binary(op, l, r)),
      fc.tuple(fc.constantFrom('==', '!='), b(), b()).map(([op, l, r]) => binary(op, l, r)),
      fc
        .tuple(
          fc.boolean(),
          n(),
          fc.array(
            fc.oneof(
              numberValue,
              numberValue.map((x) => -x),
            ),
            { maxLength: 4 },
          ),
        )
        .map(
          ([negated, operand, values]): Expression => ({
            kind: 'in',
            negated,
            operand,
            list: { kind: 'list', items: values.map((value): ListItem => ({ kind: 'number', value, span })), span },
            operatorSpan: span,
            span,
          }),
        ),
      fc.tuple(fc.boolean(), s(), fc.array(stringValue, { maxLength: 4 })).map(
        ([negated, operand, values]): Expression => ({
          kind: 'in',
          negated,
          operand,
          list: { kind: 'list', items: values.map((value): ListItem => ({ kind: 'string', value, span })), span },
          operatorSpan: span,
          span,
        }),
      ),
      fc.tuple(fc.boolean(), fc.boolean(), n(), s()).map(
        ([negated, numeric, x, y]): Expression => ({
          kind: 'in',
          negated,
          operand: numeric ? x : y,
          list: { kind: 'listRef', name: numeric ? 'deny_amounts' : 'deny_countries', span },
          operatorSpan: span,
          span,
        }),
      ),
      fc
        .tuple(fc.constantFrom('contains', 'starts_with', 'ends_with'), s(), s())
        .map(([name, x, y]) => call(name, x, y)),
      fc.tuple(s(), stringValue).map(([x, pattern]) => call('like', x, { kind: 'string', value: pattern, span })),
      fc.oneof(n(), s(), b()).map((x) => call('is_null', x)),
    ),
  };
  return fc.oneof({ weight: 1, arbitrary: leaf[type] }, { weight: 2, arbitrary: composite[type] });
}

const anyTyped = fc
  .constantFrom<T>('number', 'string', 'boolean')
  .chain((type) => fc.tuple(fc.constant(type), typed(type, 4)));

/** Any value at all where a feature should be, not only values that fit the schema. */
const wildValue: fc.Arbitrary<FeatureValue | undefined> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
);
const allNames = [...FEATURES.number, ...FEATURES.string, ...FEATURES.boolean];
const vector = fc
  .tuple(...allNames.map(() => wildValue))
  .map((values) => Object.fromEntries(allNames.map((name, i) => [name, values[i]])) as FeatureVector);
const environment: fc.Arbitrary<RuleEnvironment | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant({}),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 5 }).map((items) => ({
    lists: (name: string) => (name === 'deny_countries' || name === 'deny_amounts' ? new Set(items) : undefined),
  })),
);

/** LIKE through a regular expression: the independent reference for the bounded matcher. */
function likeByRegExp(pattern: string, text: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    const literal = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
    if (ch === '\\' && i + 1 < pattern.length) source += literal(pattern.charCodeAt(++i));
    else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += literal(ch.charCodeAt(0));
  }
  return new RegExp(`^${source}$`).test(text);
}

/**
 * A deliberately naive tree-walking interpreter of the README's semantics, written independently of
 * the compiler (time through Date, like() through a regular expression) to check the closures against.
 */
function reference(node: Expression, f: FeatureVector, env: RuleEnvironment | undefined): FeatureValue {
  const types = schema.features as Record<string, string>;
  const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const ev = (n: Expression) => reference(n, f, env);
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return node.value;
    case 'null':
    case 'error':
      return null;
    case 'feature': {
      const v = f[node.name];
      if (types[node.name] === 'number') return typeof v === 'number' && Number.isFinite(v) ? v : null;
      return typeof v === types[node.name] ? (v as FeatureValue) : null;
    }
    case 'unary': {
      const v = ev(node.operand);
      if (node.operator === 'not') return !(v === true);
      return v === null ? null : -(v as number);
    }
    case 'binary': {
      const a = ev(node.left);
      const b = ev(node.right);
      if (node.operator === 'and') return a === true && b === true;
      if (node.operator === 'or') return a === true || b === true;
      if (['==', '!=', '<', '<=', '>', '>='].includes(node.operator)) {
        if (a === null || b === null) return false;
        const x = a as number;
        const y = b as number;
        return { '==': x === y, '!=': x !== y, '<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y }[
          node.operator as '=='
        ];
      }
      if (a === null || b === null) return null;
      const x = a as number;
      const y = b as number;
      if ((node.operator === '/' || node.operator === '%') && y === 0) return null;
      return fin({ '+': x + y, '-': x - y, '*': x * y, '/': x / y, '%': x % y }[node.operator as '+']);
    }
    case 'in': {
      const v = ev(node.operand);
      if (v === null) return false;
      const items =
        node.list.kind === 'list'
          ? node.list.items.map((item) => item.value)
          : [...(env?.lists?.(node.list.name) ?? [])];
      const found = items.some((item) => item === v);
      return node.negated ? !found : found;
    }
    case 'call': {
      const args = node.args.map(ev);
      const [a, b, c] = args;
      switch (node.name) {
        case 'is_null':
          return a === null;
        case 'coalesce':
          return args.find((x) => x !== null) ?? null;
        case 'contains':
        case 'starts_with':
        case 'ends_with':
          if (a === null || b === null) return false;
          return node.name === 'contains'
            ? (a as string).includes(b as string)
            : node.name === 'starts_with'
              ? (a as string).startsWith(b as string)
              : (a as string).endsWith(b as string);
        case 'like':
          return a === null ? false : likeByRegExp(b as string, a as string);
      }
      if (args.some((x) => x === null)) return null;
      const x = a as number;
      switch (node.name) {
        case 'lower':
          return (a as string).toLowerCase();
        case 'upper':
          return (a as string).toUpperCase();
        case 'trim':
          return (a as string).trim();
        case 'len':
          return (a as string).length;
        case 'abs':
          return Math.abs(x);
        case 'floor':
          return Math.floor(x);
        case 'ceil':
          return Math.ceil(x);
        case 'sqrt':
          return x < 0 ? null : Math.sqrt(x);
        case 'log':
          return x > 0 ? fin(Math.log(x)) : null;
        case 'log10':
          return x > 0 ? fin(Math.log10(x)) : null;
        case 'round': {
          const digits = args.length > 1 ? (b as number) : 0;
          if (!Number.isInteger(digits) || digits < 0 || digits > 10) return null;
          return fin((Math.sign(x) * Math.round(Math.abs(x) * 10 ** digits)) / 10 ** digits);
        }
        case 'min':
          return Math.min(...(args as number[]));
        case 'max':
          return Math.max(...(args as number[]));
        case 'clamp':
          return (b as number) > (c as number) ? null : Math.min(Math.max(x, b as number), c as number);
        case 'seconds':
        case 'minutes':
        case 'hours':
        case 'days':
          return fin(x * { seconds: 1e3, minutes: 6e4, hours: 3.6e6, days: 8.64e7 }[node.name]);
        case 'hour_of_day':
        case 'day_of_week': {
          const offset = args.length > 1 ? (b as number) : 0;
          if (offset < -14 || offset > 14) return null;
          const local = x + offset * 3.6e6;
          if (!Number.isFinite(local)) return null;
          if (Math.abs(local) <= 8.64e15) {
            const date = new Date(local);
            return node.name === 'hour_of_day' ? date.getUTCHours() : date.getUTCDay() === 0 ? 7 : date.getUTCDay();
          }
          // Beyond the Date range: plain modular arithmetic.
          const dayMs = (((local % 8.64e7) + 8.64e7) % 8.64e7) as number;
          return node.name === 'hour_of_day'
            ? Math.floor(dayMs / 3.6e6)
            : ((((Math.floor(local / 8.64e7) + 3) % 7) + 7) % 7) + 1;
        }
      }
      throw new Error(`reference: no function ${node.name}`);
    }
  }
}

describe('rule language properties', () => {
  it('compiled closures agree with a tree-walking reference interpreter', () => {
    fc.assert(
      fc.property(
        anyTyped,
        fc.array(fc.tuple(vector, environment), { minLength: 1, maxLength: 4 }),
        ([, tree], runs) => {
          const compiled = compileExpression(formatExpression(tree), schema);
          if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.en).join('; '));
          for (const [features, env] of runs) {
            expect(compiled.value.evaluate(features, env)).toEqual(reference(tree, features, env));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('well-typed expressions compile and never throw; values have their static type or are null', () => {
    fc.assert(
      fc.property(
        anyTyped,
        fc.array(fc.tuple(vector, environment), { minLength: 1, maxLength: 5 }),
        ([type, tree], runs) => {
          const source = formatExpression(tree);
          const compiled = compileExpression(source, schema);
          if (!compiled.ok) throw new Error(`${source}\n${compiled.errors.map((e) => e.en).join('\n')}`);
          expect(compiled.value.type).toBe(type);
          for (const [features, env] of runs) {
            const value = compiled.value.evaluate(features, env);
            if (type === 'boolean') expect(typeof value === 'boolean' || value === null).toBe(true);
            else if (value !== null) expect(typeof value).toBe(type);
            if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a ruleset of random boolean rules never throws and hits are exactly the true conditions', () => {
    fc.assert(
      fc.property(
        fc.array(typed('boolean', 3), { minLength: 1, maxLength: 8 }),
        vector,
        environment,
        (trees, features, env) => {
          const sources = trees.map((tree, i) => ({
            id: `r${i}`,
            condition: formatExpression(tree),
            action: 'score' as const,
            points: i,
            reason: { en: 'amount {amount}', zh: '金额 {amount}' },
          }));
          const compiled = compileRuleset(sources, schema);
          if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
          const hits = compiled.value.evaluate(features, env);
          const expected = sources.filter((rule) => {
            const single = compileExpression(rule.condition, schema);
            return single.ok && single.value.evaluate(features, env) === true;
          });
          expect(hits.map((h) => h.ruleId)).toEqual(expected.map((r) => r.id));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('formatExpression output parses back to the same tree', () => {
    fc.assert(
      fc.property(anyTyped, ([, tree]) => {
        const source = formatExpression(tree);
        const parsed = parseExpression(source);
        expect(parsed.errors).toEqual([]);
        expect(stripSpans(parsed.expression)).toEqual(stripSpans(tree));
        expect(formatExpression(parsed.expression)).toBe(source);
      }),
      { numRuns: 500 },
    );
  });

  it('ill-typed trees also print and parse back unchanged', () => {
    // Mixes subtrees of different types freely: the printer and parser do not depend on types.
    const mixed = fc.letrec<{ node: Expression }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        typed('number', 0),
        typed('string', 0),
        typed('boolean', 0),
        fc.constant<Expression>({ kind: 'null', span }),
        fc.tuple(fc.constantFrom<'-' | 'not'>('-', 'not'), tie('node')).map(([op, x]) => unary(op, x)),
        fc
          .tuple(
            fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', 'and', 'or'),
            tie('node'),
            tie('node'),
          )
          .map(([op, l, r]) => binary(op, l, r)),
        fc
          .tuple(fc.constantFrom('f', 'lower', 'max'), fc.array(tie('node'), { maxLength: 3 }))
          .map(([name, args]) => call(name, ...args)),
        fc.tuple(fc.boolean(), tie('node')).map(
          ([negated, operand]): Expression => ({
            kind: 'in',
            negated,
            operand,
            list: { kind: 'listRef', name: 'l', span },
            operatorSpan: span,
            span,
          }),
        ),
      ),
    }));
    fc.assert(
      fc.property(mixed.node, (tree) => {
        const parsed = parseExpression(formatExpression(tree));
        expect(parsed.errors).toEqual([]);
        expect(stripSpans(parsed.expression)).toEqual(stripSpans(tree));
      }),
      { numRuns: 500 },
    );
  });

  it('the bounded like() matcher agrees with a regular expression', () => {
    // Small alphabets, so that matches are frequent.
    const pattern = fc.array(fc.constantFrom('a', 'b', '%', '_', '\\'), { maxLength: 7 }).map((p) => p.join(''));
    const text = fc.array(fc.constantFrom('a', 'b', '%', '_', '\\'), { maxLength: 9 }).map((t) => t.join(''));
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(compileLike(p)(t)).toBe(likeByRegExp(p, t));
      }),
      { numRuns: 3000 },
    );
  });

  it('the parser never throws on random text and always reports a position inside it', () => {
    const alphabet = fc.constantFrom(
      ...'ab1 ()[],.@\'"\\=!<>&|+-*/%_\n'.split(''),
      'and',
      'or',
      'not',
      'in',
      'null',
      '中',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 30 }).map((parts) => parts.join('')),
        (text) => {
          const parsed = parseExpression(text);
          const lines = text.split('\n');
          for (const error of parsed.errors) {
            expect(error.line).toBeGreaterThanOrEqual(1);
            expect(error.line).toBeLessThanOrEqual(lines.length);
            expect(error.column).toBeGreaterThanOrEqual(1);
            expect(error.column).toBeLessThanOrEqual((lines[error.line - 1]?.length ?? 0) + 1);
            expect(error.en.length).toBeGreaterThan(0);
            expect(error.zh).toMatch(/[\u4e00-\u9fff]/);
          }
          compileExpression(text, schema);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
