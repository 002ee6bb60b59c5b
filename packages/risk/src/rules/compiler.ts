import type { FeatureType, FeatureValue } from '../event.ts';
import type { Expression, ListLiteral, ListReference } from './ast.ts';
import { type Bilingual, diagnostic, type RuleDiagnostic, suggestion, TYPE_NAMES } from './errors.ts';
import { type Evaluator, finite, RULE_FUNCTIONS, type ValueType } from './functions.ts';
import { EXPRESSION_LIMITS, parseExpression } from './parser.ts';

/** The features and named lists a rule may refer to; unknown names are save-time errors. */
export interface RuleSchema {
  readonly features: ReadonlyMap<string, FeatureType> | Readonly<Record<string, FeatureType>>;
  /** Named lists (`@high_risk_countries`) and the type of their elements. */
  readonly lists?: Readonly<Record<string, 'string' | 'number'>>;
}

/** The schema with its features as a map, checked once. */
export interface NormalisedSchema {
  readonly features: ReadonlyMap<string, FeatureType>;
  readonly lists: ReadonlyMap<string, 'string' | 'number'>;
}

const FEATURE_TYPES: ReadonlySet<string> = new Set(['number', 'string', 'boolean']);

/** Checks and normalises a schema. A malformed schema is a programmer error and throws. */
export function normaliseSchema(schema: RuleSchema | NormalisedSchema): NormalisedSchema {
  const features = new Map<string, FeatureType>(
    schema.features instanceof Map ? schema.features : Object.entries(schema.features),
  );
  for (const [name, type] of features) {
    if (!FEATURE_TYPES.has(type)) throw new Error(`feature ${name} has unknown type ${String(type)}`);
  }
  const lists = new Map<string, 'string' | 'number'>(
    schema.lists instanceof Map ? schema.lists : Object.entries(schema.lists ?? {}),
  );
  for (const [name, type] of lists) {
    if (type !== 'string' && type !== 'number') throw new Error(`list ${name} has unknown type ${String(type)}`);
  }
  return { features, lists };
}

/** `error` marks an operand that is already wrong; it raises no further errors. */
type CheckedType = ValueType | 'error';

interface Checked {
  readonly type: CheckedType;
  readonly evaluate: Evaluator;
  /** The value when the node is a literal. */
  readonly constant?: FeatureValue;
}

export interface CompiledExpression {
  readonly type: ValueType;
  readonly evaluate: Evaluator;
  readonly expression: Expression;
  /** Features the expression reads, sorted. */
  readonly featuresUsed: readonly string[];
}

export type CompileResult =
  | { readonly ok: true; readonly value: CompiledExpression }
  | { readonly ok: false; readonly errors: readonly RuleDiagnostic[] };

const NULL: Evaluator = () => null;

function typeName(type: CheckedType): Bilingual {
  return TYPE_NAMES[type] as Bilingual;
}

/**
 * Parses, type-checks and compiles an expression to a closure. Every error found is returned
 * (syntax, unknown names, types); when there is none, the closure never throws on a feature vector
 * that fits the schema (and treats a missing feature or a value of the wrong type as null).
 */
export function compileExpression(source: string, schema: RuleSchema | NormalisedSchema): CompileResult {
  const parsed = parseExpression(source);
  const checker = new Checker(normaliseSchema(schema));
  const checked = checker.check(parsed.expression);
  const errors = [...parsed.errors, ...checker.errors];
  if (errors.length > 0 || checked.type === 'error') {
    const sorted = errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors: sorted.slice(0, EXPRESSION_LIMITS.errorsMax) };
  }
  return {
    ok: true,
    value: {
      type: checked.type,
      evaluate: checked.evaluate,
      expression: parsed.expression,
      featuresUsed: [...checker.featuresUsed].sort(),
    },
  };
}

/** Reads a feature as its schema type; anything else (missing, NaN, wrong type) reads as null. */
function readFeature(name: string, type: FeatureType): Evaluator {
  switch (type) {
    case 'number':
      return (f) => {
        const v = f[name];
        return typeof v === 'number' && v - v === 0 ? v : null;
      };
    case 'string':
      return (f) => {
        const v = f[name];
        return typeof v === 'string' ? v : null;
      };
    case 'boolean':
      return (f) => {
        const v = f[name];
        return typeof v === 'boolean' ? v : null;
      };
  }
}

type N = number | null;

function arithmetic(operator: '+' | '-' | '*' | '/' | '%', l: Evaluator, r: Evaluator): Evaluator {
  switch (operator) {
    case '+':
      return (f, e) => {
        const a = l(f, e) as N;
        if (a === null) return null;
        const b = r(f, e) as N;
        return b === null ? null : finite(a + b);
      };
    case '-':
      return (f, e) => {
        const a = l(f, e) as N;
        if (a === null) return null;
        const b = r(f, e) as N;
        return b === null ? null : finite(a - b);
      };
    case '*':
      return (f, e) => {
        const a = l(f, e) as N;
        if (a === null) return null;
        const b = r(f, e) as N;
        return b === null ? null : finite(a * b);
      };
    case '/':
      return (f, e) => {
        const a = l(f, e) as N;
        if (a === null) return null;
        const b = r(f, e) as N;
        return b === null || b === 0 ? null : finite(a / b);
      };
    case '%':
      return (f, e) => {
        const a = l(f, e) as N;
        if (a === null) return null;
        const b = r(f, e) as N;
        return b === null || b === 0 ? null : finite(a % b);
      };
  }
}

type V = number | string | boolean | null;

function comparison(operator: '==' | '!=' | '<' | '<=' | '>' | '>=', l: Evaluator, r: Evaluator): Evaluator {
  switch (operator) {
    case '==':
      return (f, e) => {
        const a = l(f, e);
        if (a === null) return false;
        const b = r(f, e);
        return b !== null && a === b;
      };
    case '!=':
      return (f, e) => {
        const a = l(f, e);
        if (a === null) return false;
        const b = r(f, e);
        return b !== null && a !== b;
      };
    case '<':
      return (f, e) => {
        const a = l(f, e) as V;
        if (a === null) return false;
        const b = r(f, e) as V;
        return b !== null && a < b;
      };
    case '<=':
      return (f, e) => {
        const a = l(f, e) as V;
        if (a === null) return false;
        const b = r(f, e) as V;
        return b !== null && a <= b;
      };
    case '>':
      return (f, e) => {
        const a = l(f, e) as V;
        if (a === null) return false;
        const b = r(f, e) as V;
        return b !== null && a > b;
      };
    case '>=':
      return (f, e) => {
        const a = l(f, e) as V;
        if (a === null) return false;
        const b = r(f, e) as V;
        return b !== null && a >= b;
      };
  }
}

class Checker {
  readonly errors: RuleDiagnostic[] = [];
  readonly featuresUsed = new Set<string>();
  private depth = 0;
  private tooDeep = false;

  constructor(private readonly schema: NormalisedSchema) {}

  private mismatch(node: { span: Expression['span'] }, detail: Bilingual): Checked {
    this.errors.push(diagnostic('rule_type_mismatch', node.span, { detail }));
    return { type: 'error', evaluate: NULL };
  }

  check(node: Expression): Checked {
    if (this.depth >= EXPRESSION_LIMITS.treeDepthMax) {
      if (!this.tooDeep) {
        this.tooDeep = true;
        this.errors.push(
          diagnostic('rule_too_complex', node.span, {
            detail: {
              en: `more than ${EXPRESSION_LIMITS.treeDepthMax} operations nested in one another`,
              zh: `相互嵌套的运算超过 ${EXPRESSION_LIMITS.treeDepthMax} 层`,
            },
          }),
        );
      }
      return { type: 'error', evaluate: NULL };
    }
    this.depth++;
    try {
      return this.checkNode(node);
    } finally {
      this.depth--;
    }
  }

  private checkNode(node: Expression): Checked {
    switch (node.kind) {
      case 'number':
      case 'string':
      case 'boolean': {
        const value = node.value;
        return { type: node.kind, evaluate: () => value, constant: value };
      }
      case 'null':
        return { type: 'null', evaluate: NULL, constant: null };
      case 'error':
        return { type: 'error', evaluate: NULL };
      case 'feature': {
        const type = this.schema.features.get(node.name);
        if (type === undefined) {
          this.errors.push(
            diagnostic('rule_unknown_feature', node.span, {
              name: node.name,
              hint: suggestion(node.name, this.schema.features.keys()),
            }),
          );
          return { type: 'error', evaluate: NULL };
        }
        this.featuresUsed.add(node.name);
        return { type, evaluate: readFeature(node.name, type) };
      }
      case 'unary':
        return this.checkUnary(node);
      case 'binary':
        return this.checkBinary(node);
      case 'in':
        return this.checkIn(node);
      case 'call':
        return this.checkCall(node);
    }
  }

  private checkUnary(node: Extract<Expression, { kind: 'unary' }>): Checked {
    const operand = this.check(node.operand);
    if (node.operator === '-') {
      if (operand.type !== 'number' && operand.type !== 'null' && operand.type !== 'error') {
        return this.mismatch(node.operand, {
          en: `unary - needs a number, not a ${typeName(operand.type).en}`,
          zh: `负号需要数值，不能用于${typeName(operand.type).zh}`,
        });
      }
      const x = operand.evaluate;
      return {
        type: operand.type === 'error' ? 'error' : 'number',
        evaluate: (f, e) => {
          const v = x(f, e) as N;
          return v === null ? null : -v;
        },
      };
    }
    if (operand.type !== 'boolean' && operand.type !== 'null' && operand.type !== 'error') {
      return this.mismatch(node.operand, {
        en: `not needs a boolean, not a ${typeName(operand.type).en}`,
        zh: `not 需要布尔值，不能用于${typeName(operand.type).zh}`,
      });
    }
    const x = operand.evaluate;
    return { type: operand.type === 'error' ? 'error' : 'boolean', evaluate: (f, e) => x(f, e) !== true };
  }

  private checkBinary(node: Extract<Expression, { kind: 'binary' }>): Checked {
    const left = this.check(node.left);
    const right = this.check(node.right);
    const op = node.operator;
    const anyError = left.type === 'error' || right.type === 'error';
    if (op === 'and' || op === 'or') {
      for (const [side, checked] of [
        [node.left, left],
        [node.right, right],
      ] as const) {
        if (checked.type !== 'boolean' && checked.type !== 'null' && checked.type !== 'error') {
          return this.mismatch(side, {
            en: `${op} needs true/false on both sides; this side is a ${typeName(checked.type).en}`,
            zh: `${op} 两侧都必须是布尔值；这一侧是${typeName(checked.type).zh}`,
          });
        }
      }
      const l = left.evaluate;
      const r = right.evaluate;
      return {
        type: anyError ? 'error' : 'boolean',
        evaluate:
          op === 'and'
            ? (f, e) => l(f, e) === true && r(f, e) === true
            : (f, e) => l(f, e) === true || r(f, e) === true,
      };
    }
    if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') {
      for (const [side, checked] of [
        [node.left, left],
        [node.right, right],
      ] as const) {
        if (checked.type !== 'number' && checked.type !== 'null' && checked.type !== 'error') {
          return this.mismatch(side, {
            en: `${op} needs numbers on both sides; this side is a ${typeName(checked.type).en}`,
            zh: `${op} 两侧都必须是数值；这一侧是${typeName(checked.type).zh}`,
          });
        }
      }
      return { type: anyError ? 'error' : 'number', evaluate: arithmetic(op, left.evaluate, right.evaluate) };
    }
    // Comparisons.
    if (anyError) return { type: 'error', evaluate: NULL };
    if (left.type === 'null' || right.type === 'null') {
      return this.mismatch(left.type === 'null' ? node.left : node.right, {
        en: `${op} with null is always false; use is_null(x) or coalesce(x, default)`,
        zh: `与 null 做 ${op} 比较永远为假；请使用 is_null(x) 或 coalesce(x, 默认值)`,
      });
    }
    if (left.type !== right.type) {
      return this.mismatch(
        { span: node.operatorSpan },
        {
          en: `cannot compare a ${typeName(left.type).en} with a ${typeName(right.type).en} using ${op}`,
          zh: `不能用 ${op} 比较${typeName(left.type).zh}和${typeName(right.type).zh}`,
        },
      );
    }
    if (left.type === 'boolean' && op !== '==' && op !== '!=') {
      return this.mismatch(
        { span: node.operatorSpan },
        {
          en: `${op} orders numbers or strings; booleans only support == and !=`,
          zh: `${op} 只能比较数值或字符串的大小；布尔值只支持 == 和 !=`,
        },
      );
    }
    return { type: 'boolean', evaluate: comparison(op, left.evaluate, right.evaluate) };
  }

  private checkIn(node: Extract<Expression, { kind: 'in' }>): Checked {
    const operand = this.check(node.operand);
    const elementType = this.listType(node.list);
    if (operand.type === 'error' || elementType === 'error') return { type: 'error', evaluate: NULL };
    if (operand.type === 'null') {
      return this.mismatch(node.operand, {
        en: 'null is never in a list; use is_null(x)',
        zh: 'null 永远不在列表中；请使用 is_null(x)',
      });
    }
    if (elementType !== undefined && elementType !== operand.type) {
      return this.mismatch(node.list, {
        en: `a ${typeName(operand.type).en} cannot be looked up in a list of ${typeName(elementType).en} values`,
        zh: `${typeName(operand.type).zh}不能在${typeName(elementType).zh}列表中查找`,
      });
    }
    const x = operand.evaluate;
    const negated = node.negated;
    if (node.list.kind === 'list') {
      const set: ReadonlySet<FeatureValue> = new Set(node.list.items.map((item) => item.value));
      return {
        type: 'boolean',
        evaluate: negated
          ? (f, e) => {
              const v = x(f, e);
              return v !== null && !set.has(v);
            }
          : (f, e) => {
              const v = x(f, e);
              return v !== null && set.has(v);
            },
      };
    }
    const name = node.list.name;
    return {
      type: 'boolean',
      // An unresolved list is empty: `x in @l` is false and `x not in @l` is true.
      evaluate: (f, e) => {
        const v = x(f, e);
        if (v === null) return false;
        const set = e?.lists?.(name);
        const found = set?.has(v as string | number) === true;
        return negated ? !found : found;
      },
    };
  }

  /** The element type of a list; undefined for an empty literal list (it fits any operand). */
  private listType(list: ListLiteral | ListReference): CheckedType | undefined {
    if (list.kind === 'listRef') {
      const type = this.schema.lists.get(list.name);
      if (type === undefined) {
        this.errors.push(
          diagnostic('rule_unknown_list', list.span, {
            name: list.name,
            hint: suggestion(list.name, this.schema.lists.keys()),
          }),
        );
        return 'error';
      }
      return type;
    }
    const first = list.items[0];
    if (first === undefined) return undefined;
    for (const item of list.items) {
      if (item.kind !== first.kind) {
        this.mismatch(item, {
          en: `every item of a list has one type; this ${typeName(item.kind).en} follows a ${typeName(first.kind).en}`,
          zh: `列表的所有项必须类型相同；此处的${typeName(item.kind).zh}与前面的${typeName(first.kind).zh}不一致`,
        });
        return 'error';
      }
    }
    return first.kind;
  }

  private checkCall(node: Extract<Expression, { kind: 'call' }>): Checked {
    const signature = RULE_FUNCTIONS.get(node.name);
    const args = node.args.map((arg) => this.check(arg));
    if (signature === undefined) {
      this.errors.push(
        diagnostic('rule_unknown_function', node.nameSpan, {
          name: node.name,
          hint: suggestion(node.name, RULE_FUNCTIONS.keys()),
        }),
      );
      return { type: 'error', evaluate: NULL };
    }
    const minimum = signature.optionalFrom ?? signature.parameters.length;
    const maximum = signature.variadic ? Number.POSITIVE_INFINITY : signature.parameters.length;
    if (args.length < minimum || args.length > maximum) {
      const expected = signature.variadic
        ? { en: `${minimum} or more`, zh: `至少 ${minimum} ` }
        : minimum === maximum
          ? { en: `${minimum}`, zh: ` ${minimum} ` }
          : { en: `${minimum} to ${maximum}`, zh: ` ${minimum} 到 ${maximum} ` };
      this.errors.push(diagnostic('rule_arity', node.span, { name: node.name, expected, count: args.length }));
      return { type: 'error', evaluate: NULL };
    }
    let failed = args.some((arg) => arg.type === 'error');
    let common: CheckedType = 'null';
    args.forEach((arg, index) => {
      const parameter = signature.parameters[Math.min(index, signature.parameters.length - 1)] ?? ('any' as const);
      const argNode = node.args[index] as Expression;
      if (arg.type === 'error') return;
      if (parameter === 'constantString') {
        if (arg.constant === undefined || typeof arg.constant !== 'string') {
          failed = true;
          this.mismatch(argNode, {
            en: `argument ${index + 1} of ${node.name} must be a string literal`,
            zh: `${node.name} 的第 ${index + 1} 个参数必须是字符串字面量`,
          });
        } else if (arg.constant.length > EXPRESSION_LIMITS.patternLengthMax) {
          failed = true;
          this.errors.push(
            diagnostic('rule_too_complex', argNode.span, {
              detail: {
                en: `a ${node.name} pattern has at most ${EXPRESSION_LIMITS.patternLengthMax} characters`,
                zh: `${node.name} 模式最多 ${EXPRESSION_LIMITS.patternLengthMax} 个字符`,
              },
            }),
          );
        }
        return;
      }
      if (parameter === 'any') {
        if (signature.returns !== 'same' || arg.type === 'null') return;
        if (common === 'null') common = arg.type;
        else if (common !== arg.type) {
          failed = true;
          this.mismatch(argNode, {
            en: `the arguments of ${node.name} must have one type; argument ${index + 1} is a ${typeName(arg.type).en}, not a ${typeName(common).en}`,
            zh: `${node.name} 的参数类型必须相同；第 ${index + 1} 个参数是${typeName(arg.type).zh}而不是${typeName(common).zh}`,
          });
        }
        return;
      }
      if (arg.type !== parameter && arg.type !== 'null') {
        failed = true;
        this.mismatch(argNode, {
          en: `argument ${index + 1} of ${node.name} must be a ${typeName(parameter).en}, not a ${typeName(arg.type).en}`,
          zh: `${node.name} 的第 ${index + 1} 个参数必须是${typeName(parameter).zh}，不能是${typeName(arg.type).zh}`,
        });
      }
    });
    if (failed) return { type: 'error', evaluate: NULL };
    const type: CheckedType = signature.returns === 'same' ? common : signature.returns;
    return {
      type,
      evaluate: signature.make(
        args.map((arg) => arg.evaluate),
        args.map((arg) => arg.constant),
      ),
    };
  }
}
