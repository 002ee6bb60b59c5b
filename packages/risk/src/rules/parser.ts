import type { BinaryOperator, Expression, InExpression, ListItem, ListLiteral, ListReference } from './ast.ts';
import { type Bilingual, diagnostic, type RuleDiagnostic, type SourceSpan } from './errors.ts';
import { type Token, type TokenType, tokenize } from './lexer.ts';

/** Limits that keep a hostile or careless rule from exhausting the stack or the evaluator. */
export const EXPRESSION_LIMITS = {
  /** Characters of source text in one expression. */
  sourceLengthMax: 10_000,
  /** Nesting of parentheses, operators and calls. */
  depthMax: 64,
  /**
   * Depth of the syntax tree, checked by the compiler: `a + a + … + a` nests without parentheses,
   * and checking and evaluating recurse once per level.
   */
  treeDepthMax: 256,
  /** Elements of one literal list. */
  listItemsMax: 1_000,
  /** Characters of a like() pattern (matching costs text length × pattern length). */
  patternLengthMax: 200,
  /** Diagnostics reported for one expression; the rest are dropped. */
  errorsMax: 50,
} as const;

/**
 * Binding power, loosest first: `or` < `and` < `not` < comparisons and `in` < `+ -` < `* / %` <
 * unary minus. `not` binds looser than comparisons (as in Python and SQL): `not a == b` is
 * `not (a == b)`. Comparisons do not chain: `a < b < c` is a syntax error.
 */
export const PRECEDENCE = {
  or: 1,
  and: 2,
  not: 3,
  comparison: 4,
  additive: 5,
  multiplicative: 6,
  unary: 7,
} as const;

const INFIX: Partial<Record<TokenType, number>> = {
  or: PRECEDENCE.or,
  and: PRECEDENCE.and,
  '==': PRECEDENCE.comparison,
  '!=': PRECEDENCE.comparison,
  '<': PRECEDENCE.comparison,
  '<=': PRECEDENCE.comparison,
  '>': PRECEDENCE.comparison,
  '>=': PRECEDENCE.comparison,
  in: PRECEDENCE.comparison,
  '+': PRECEDENCE.additive,
  '-': PRECEDENCE.additive,
  '*': PRECEDENCE.multiplicative,
  '/': PRECEDENCE.multiplicative,
  '%': PRECEDENCE.multiplicative,
};

const STARTS_EXPRESSION: ReadonlySet<TokenType> = new Set<TokenType>([
  'number',
  'string',
  'identifier',
  'true',
  'false',
  'null',
  'not',
  '-',
  '(',
  'invalid',
]);

export interface ParseResult {
  /** Always present; parts that could not be parsed are `error` nodes. */
  readonly expression: Expression;
  readonly errors: readonly RuleDiagnostic[];
}

function cover(from: SourceSpan, to: SourceSpan): SourceSpan {
  return { offset: from.offset, line: from.line, column: from.column, length: to.offset + to.length - from.offset };
}

function describe(token: Token): Bilingual {
  if (token.type === 'eof') return { en: 'the end of the expression', zh: '表达式结尾' };
  return { en: `'${token.text}'`, zh: `“${token.text}”` };
}

/**
 * Parses an expression (Pratt parser over the token stream). Never throws and always returns a
 * tree; every lexical and syntax error found is in `errors`, in source order.
 */
export function parseExpression(source: string): ParseResult {
  if (source.length > EXPRESSION_LIMITS.sourceLengthMax) {
    const span = { offset: 0, line: 1, column: 1, length: 0 };
    return {
      expression: { kind: 'error', span },
      errors: [
        diagnostic('rule_too_complex', span, {
          detail: {
            en: `${source.length} characters; at most ${EXPRESSION_LIMITS.sourceLengthMax} are allowed`,
            zh: `共 ${source.length} 个字符，最多允许 ${EXPRESSION_LIMITS.sourceLengthMax} 个`,
          },
        }),
      ],
    };
  }
  const lexed = tokenize(source);
  const parser = new Parser(lexed.tokens);
  const expression = parser.parseTop();
  const errors = [...lexed.errors, ...parser.errors]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .slice(0, EXPRESSION_LIMITS.errorsMax);
  return { expression, errors };
}

class Parser {
  readonly errors: RuleDiagnostic[] = [];
  private position = 0;
  private depth = 0;
  private tooDeep = false;
  /** Offsets already reported, so one bad token yields one error, not a cascade. */
  private readonly reported = new Set<number>();
  /**
   * Token index of the last syntax error. As in yacc, no new syntax error is reported until three
   * more tokens have been read: the first error is real, the next few are usually its echo.
   */
  private lastErrorAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.position++;
    return token;
  }

  private fail(span: SourceSpan, detail: Bilingual): void {
    if (this.tooDeep || this.reported.has(span.offset) || this.position < this.lastErrorAt + 3) return;
    if (this.peek().type === 'invalid') return;
    this.reported.add(span.offset);
    this.lastErrorAt = this.position;
    this.errors.push(diagnostic('rule_syntax', span, { detail }));
  }

  private expected(what: Bilingual, token: Token): void {
    const found = describe(token);
    this.fail(token.span, {
      en: `expected ${what.en} but found ${found.en}`,
      zh: `此处应为${what.zh}，实际为${found.zh}`,
    });
  }

  parseTop(): Expression {
    let expression = this.parse(0);
    // Text left over: report it, then keep parsing what follows so later errors are found too.
    while (this.peek().type !== 'eof' && !this.tooDeep) {
      const token = this.peek();
      this.expected({ en: 'an operator or the end of the expression', zh: '运算符或表达式结尾' }, token);
      if (token.type === ')' || token.type === ']' || token.type === ',' || token.type === 'invalid') this.next();
      if (this.peek().type === 'eof') break;
      const before = this.position;
      this.parse(0);
      if (this.position === before) this.next();
      expression = { kind: 'error', span: cover(expression.span, token.span) };
    }
    return expression;
  }

  private parse(minPrecedence: number): Expression {
    if (this.depth >= EXPRESSION_LIMITS.depthMax) {
      const token = this.peek();
      if (!this.tooDeep) {
        this.tooDeep = true;
        this.errors.push(
          diagnostic('rule_too_complex', token.span, {
            detail: {
              en: `nesting deeper than ${EXPRESSION_LIMITS.depthMax} levels`,
              zh: `嵌套超过 ${EXPRESSION_LIMITS.depthMax} 层`,
            },
          }),
        );
      }
      // Skip the rest: nothing sensible can be said about it.
      this.position = this.tokens.length - 1;
      return { kind: 'error', span: token.span };
    }
    this.depth++;
    try {
      let left = this.parsePrefix(minPrecedence);
      for (;;) {
        const token = this.peek();
        const negatedIn = token.type === 'not' && this.peek(1).type === 'in';
        const precedence = negatedIn ? PRECEDENCE.comparison : INFIX[token.type];
        if (precedence === undefined || precedence <= minPrecedence) break;
        left = this.parseInfix(left, precedence, negatedIn);
        if (precedence === PRECEDENCE.comparison) {
          const following = this.peek();
          const chained =
            INFIX[following.type] === PRECEDENCE.comparison || (following.type === 'not' && this.peek(1).type === 'in');
          if (chained && minPrecedence < PRECEDENCE.comparison) {
            this.fail(following.span, {
              en: 'comparisons cannot be chained; join them with and',
              zh: '比较运算不能连写；请用 and 连接',
            });
          }
        }
      }
      return left;
    } finally {
      this.depth--;
    }
  }

  private parseInfix(left: Expression, precedence: number, negatedIn: boolean): Expression {
    const operator = this.next();
    if (negatedIn) {
      const inToken = this.next();
      return this.parseIn(left, true, cover(operator.span, inToken.span));
    }
    if (operator.type === 'in') return this.parseIn(left, false, operator.span);
    const right = this.parse(precedence);
    return {
      kind: 'binary',
      operator: operator.type as BinaryOperator,
      left,
      right,
      operatorSpan: operator.span,
      span: cover(left.span, right.span),
    };
  }

  private parseIn(operand: Expression, negated: boolean, operatorSpan: SourceSpan): InExpression {
    const token = this.peek();
    let list: ListLiteral | ListReference;
    if (token.type === 'listRef') {
      this.next();
      list = { kind: 'listRef', name: String(token.value), span: token.span };
    } else if (token.type === '[') {
      list = this.parseList();
    } else {
      this.expected({ en: 'a list [ … ] or @list_name after in', zh: 'in 之后的列表 [ … ] 或 @名单名' }, token);
      list = { kind: 'list', items: [], span: token.span };
    }
    return { kind: 'in', negated, operand, list, operatorSpan, span: cover(operand.span, list.span) };
  }

  private parseList(): ListLiteral {
    const open = this.next();
    const items: ListItem[] = [];
    let end = open.span;
    for (;;) {
      const token = this.peek();
      if (token.type === ']') {
        end = this.next().span;
        break;
      }
      if (items.length > 0) {
        if (token.type === ',') {
          this.next();
        } else {
          this.expected({ en: "',' or ']'", zh: '“,”或“]”' }, token);
          if (token.type === 'eof' || !this.isListItemStart(token)) break;
        }
      }
      const item = this.parseListItem();
      if (item === undefined) break;
      items.push(item);
      end = item.span;
      if (items.length > EXPRESSION_LIMITS.listItemsMax) {
        this.errors.push(
          diagnostic('rule_too_complex', item.span, {
            detail: {
              en: `a list holds at most ${EXPRESSION_LIMITS.listItemsMax} items; use a named @list instead`,
              zh: `列表最多 ${EXPRESSION_LIMITS.listItemsMax} 项；请改用名单 @list`,
            },
          }),
        );
        this.position = this.tokens.length - 1;
        break;
      }
    }
    return { kind: 'list', items, span: cover(open.span, end) };
  }

  private isListItemStart(token: Token): boolean {
    return ['number', 'string', 'true', 'false', '-'].includes(token.type);
  }

  private parseListItem(): ListItem | undefined {
    const token = this.peek();
    if (token.type === '-' && this.peek(1).type === 'number') {
      this.next();
      const number = this.next();
      return { kind: 'number', value: -(number.value as number), span: cover(token.span, number.span) };
    }
    if (token.type === 'number') return { kind: 'number', value: this.next().value as number, span: token.span };
    if (token.type === 'string') return { kind: 'string', value: this.next().value as string, span: token.span };
    if (token.type === 'true' || token.type === 'false') {
      this.next();
      return { kind: 'boolean', value: token.type === 'true', span: token.span };
    }
    this.expected(
      {
        en: 'a literal (number, string, true or false) in the list',
        zh: '列表中的字面量（数字、字符串、true 或 false）',
      },
      token,
    );
    // Skip to the end of the list so the rest of the expression can still be checked.
    while (this.peek().type !== ']' && this.peek().type !== 'eof') this.next();
    if (this.peek().type === ']') this.next();
    return undefined;
  }

  private parsePrefix(minPrecedence: number): Expression {
    const token = this.peek();
    switch (token.type) {
      case 'number':
        this.next();
        return { kind: 'number', value: token.value as number, span: token.span };
      case 'string':
        this.next();
        return { kind: 'string', value: token.value as string, span: token.span };
      case 'true':
      case 'false':
        this.next();
        return { kind: 'boolean', value: token.type === 'true', span: token.span };
      case 'null':
        this.next();
        return { kind: 'null', span: token.span };
      case 'not':
      case '-': {
        if (token.type === 'not' && minPrecedence > PRECEDENCE.not) {
          // As in Python: `a == not b` and `1 + not b` need parentheses around the `not`.
          this.fail(token.span, {
            en: 'not binds looser than this operator; put (not …) in parentheses',
            zh: 'not 的优先级低于此运算符；请把 (not …) 放在括号中',
          });
        }
        this.next();
        const operand = this.parse(token.type === 'not' ? PRECEDENCE.not : PRECEDENCE.unary);
        return { kind: 'unary', operator: token.type, operand, span: cover(token.span, operand.span) };
      }
      case '(': {
        this.next();
        const inner = this.parse(0);
        const close = this.peek();
        if (close.type === ')') {
          this.next();
        } else {
          this.expected({ en: "')'", zh: '“)”' }, close);
        }
        return inner;
      }
      case 'identifier': {
        this.next();
        if (this.peek().type !== '(') return { kind: 'feature', name: token.value as string, span: token.span };
        return this.parseCall(token);
      }
      case 'invalid':
        this.next();
        return STARTS_EXPRESSION.has(this.peek().type)
          ? this.parsePrefix(minPrecedence)
          : { kind: 'error', span: token.span };
      case 'listRef':
      case '[':
        this.fail(token.span, {
          en: 'a list can only follow in or not in',
          zh: '列表只能出现在 in 或 not in 之后',
        });
        if (token.type === '[') this.parseList();
        else this.next();
        return { kind: 'error', span: token.span };
      default:
        this.expected({ en: 'a value, a feature name, ( or a function call', zh: '值、特征名、“(”或函数调用' }, token);
        if (token.type !== 'eof' && token.type !== ')' && token.type !== ']' && token.type !== ',') this.next();
        return { kind: 'error', span: token.span };
    }
  }

  private parseCall(name: Token): Expression {
    this.next(); // (
    const args: Expression[] = [];
    let end = name.span;
    for (;;) {
      const token = this.peek();
      if (token.type === ')') {
        end = this.next().span;
        break;
      }
      if (token.type === 'invalid') {
        this.next();
        continue;
      }
      if (args.length > 0) {
        if (token.type === ',') {
          this.next();
        } else {
          this.expected({ en: "',' or ')'", zh: '“,”或“)”' }, token);
          // Read on as if the comma were there, unless nothing argument-like follows.
          if (token.type === 'eof' || token.type === ']') break;
        }
      }
      if (token.type === 'eof') {
        this.expected({ en: "')'", zh: '“)”' }, token);
        break;
      }
      const before = this.position;
      const argument = this.parse(0);
      args.push(argument);
      end = argument.span;
      if (this.position === before) break;
    }
    return { kind: 'call', name: name.value as string, args, nameSpan: name.span, span: cover(name.span, end) };
  }
}
