// Proves the lexer and parser: literals and escapes, precedence and associativity, canonical printing, and every syntax error reported with its line, column and length in both languages.
import { describe, expect, it } from 'vitest';
import { stripSpans } from './ast.ts';
import { formatExpression } from './format.ts';
import { tokenize } from './lexer.ts';
import { EXPRESSION_LIMITS, parseExpression } from './parser.ts';

/** The canonical text of a source, asserting it parsed cleanly. */
function canonical(source: string): string {
  const parsed = parseExpression(source);
  expect(parsed.errors).toEqual([]);
  return formatExpression(parsed.expression);
}

function errorsOf(source: string) {
  return parseExpression(source).errors.map((e) => ({
    code: e.code,
    line: e.line,
    column: e.column,
    length: e.length,
  }));
}

describe('lexer', () => {
  it('reads numbers with fractions, exponents and _ separators', () => {
    const { tokens, errors } = tokenize('10_000 1.5 2e3 7E-2 0.25');
    expect(errors).toEqual([]);
    expect(tokens.filter((t) => t.type === 'number').map((t) => t.value)).toEqual([10000, 1.5, 2000, 0.07, 0.25]);
  });

  it('decodes string escapes in both quote styles', () => {
    const { tokens, errors } = tokenize(String.raw`'it\'s' "say \"hi\"\n" '\u4e2d\t\\'`);
    expect(errors).toEqual([]);
    expect(tokens.filter((t) => t.type === 'string').map((t) => t.value)).toEqual(["it's", 'say "hi"\n', '中\t\\']);
  });

  it('normalises && || ! and upper-case keywords, and reads @lists and dotted names', () => {
    const { tokens } = tokenize('a && b || !c AND d Or NOT e IN @deny_list customer.count_1h');
    expect(tokens.map((t) => t.type)).toEqual([
      'identifier',
      'and',
      'identifier',
      'or',
      'not',
      'identifier',
      'and',
      'identifier',
      'or',
      'not',
      'identifier',
      'in',
      'listRef',
      'identifier',
      'eof',
    ]);
    expect(tokens[12]?.value).toBe('deny_list');
    expect(tokens[13]?.value).toBe('customer.count_1h');
  });

  it('skips // comments and counts lines and columns across newlines', () => {
    const { tokens } = tokenize('amount > 5 // large\n  and\tx');
    const x = tokens.find((t) => t.value === 'x');
    expect(x?.span).toEqual({ offset: 26, line: 2, column: 7, length: 1 });
  });
});

describe('precedence and associativity', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '1 + 2 * 3'],
    ['(1 + 2) * 3', '(1 + 2) * 3'],
    ['1 - 2 - 3', '1 - 2 - 3'],
    ['1 - (2 - 3)', '1 - (2 - 3)'],
    ['a or b and c', 'a or b and c'],
    ['(a or b) and c', '(a or b) and c'],
    ['not a == b', 'not a == b'],
    ['(not a) == b', '(not a) == b'],
    ['not a and b', 'not a and b'],
    ['!(a || b) && c', 'not (a or b) and c'],
    ['-x * y', '-x * y'],
    ['-(x * y)', '-(x * y)'],
    ['- -x', '-(-x)'],
    ['a + b > c * 2 and d', 'a + b > c * 2 and d'],
    ['x not in [1, -2, 3.5]', 'x not in [1, -2, 3.5]'],
    ['lower(s) in @names or s == "a\'b"', "lower(s) in @names or s == 'a\\'b'"],
    ['((((a))))', 'a'],
    ['min(a, max(b, 1), 2) % 3', 'min(a, max(b, 1), 2) % 3'],
    ['TRUE and False or NULL', 'true and false or null'],
  ];
  it.each(cases)('%s prints as %s', (source, expected) => {
    expect(canonical(source)).toBe(expected);
  });

  it('builds the tree the binding powers say', () => {
    const tree = stripSpans(parseExpression('a or not b and c == 1 + 2 * -3').expression);
    const f = (name: string) => ({ kind: 'feature', name });
    const n = (value: number) => ({ kind: 'number', value });
    expect(tree).toEqual({
      kind: 'binary',
      operator: 'or',
      left: f('a'),
      right: {
        kind: 'binary',
        operator: 'and',
        left: { kind: 'unary', operator: 'not', operand: f('b') },
        right: {
          kind: 'binary',
          operator: '==',
          left: f('c'),
          right: {
            kind: 'binary',
            operator: '+',
            left: n(1),
            right: {
              kind: 'binary',
              operator: '*',
              left: n(2),
              right: { kind: 'unary', operator: '-', operand: n(3) },
            },
          },
        },
      },
    });
  });

  it('gives binary nodes the span from the first to the last operand', () => {
    const { expression } = parseExpression('  amount  >=  5000');
    expect(expression.span).toEqual({ offset: 2, line: 1, column: 3, length: 16 });
    expect(expression.kind === 'binary' && expression.operatorSpan).toEqual({
      offset: 10,
      line: 1,
      column: 11,
      length: 2,
    });
  });
});

describe('syntax errors', () => {
  it('point at a missing operand at the end', () => {
    const [error] = parseExpression('amount >').errors;
    expect(error).toMatchObject({ code: 'rule_syntax', line: 1, column: 9, length: 0 });
    expect(error?.en).toContain('found the end of the expression');
    expect(error?.zh).toContain('第 1 行第 9 列语法错误');
  });

  it('report every error in a multi-line rule, in source order', () => {
    expect(errorsOf('amount = 5\nand country in ("CN")\nor x ? 3')).toEqual([
      { code: 'rule_syntax', line: 1, column: 8, length: 1 },
      { code: 'rule_syntax', line: 2, column: 16, length: 1 },
      { code: 'rule_syntax', line: 3, column: 6, length: 1 },
    ]);
    expect(errorsOf('f(a ?) ? 1')).toEqual([
      { code: 'rule_syntax', line: 1, column: 5, length: 1 },
      { code: 'rule_syntax', line: 1, column: 8, length: 1 },
    ]);
  });

  it('flag an unterminated string and a bad escape separately', () => {
    expect(errorsOf('s == "ab\\qc')).toEqual([
      { code: 'rule_syntax', line: 1, column: 6, length: 6 },
      { code: 'rule_syntax', line: 1, column: 9, length: 2 },
    ]);
  });

  it('reject not as the operand of a tighter operator', () => {
    expect(errorsOf('a == not b')).toEqual([{ code: 'rule_syntax', line: 1, column: 6, length: 3 }]);
    expect(errorsOf('-not b')).toEqual([{ code: 'rule_syntax', line: 1, column: 2, length: 3 }]);
    expect(errorsOf('a and not not b')).toEqual([]);
  });

  it('reject chained comparisons', () => {
    const errors = parseExpression('1 < x < 3').errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 1, column: 7, length: 1 });
    expect(errors[0]?.en).toContain('cannot be chained');
    expect(errors[0]?.zh).toContain('不能连写');
  });

  it('reject a list outside in, and a non-literal list item', () => {
    expect(errorsOf('[1, 2] == x')).toEqual([{ code: 'rule_syntax', line: 1, column: 1, length: 1 }]);
    expect(errorsOf('x in [1, y]')).toEqual([{ code: 'rule_syntax', line: 1, column: 10, length: 1 }]);
    expect(errorsOf('x in y')).toEqual([{ code: 'rule_syntax', line: 1, column: 6, length: 1 }]);
  });

  it('reject an unclosed parenthesis or call, and missing commas', () => {
    expect(errorsOf('(a and b')).toEqual([{ code: 'rule_syntax', line: 1, column: 9, length: 0 }]);
    expect(errorsOf('max(a, b')).toEqual([{ code: 'rule_syntax', line: 1, column: 9, length: 0 }]);
    expect(errorsOf('max(a b)')).toEqual([{ code: 'rule_syntax', line: 1, column: 7, length: 1 }]);
  });

  it('reject bad numbers, unknown characters, single & and |', () => {
    expect(errorsOf('1e999 > x')).toEqual([{ code: 'rule_syntax', line: 1, column: 1, length: 5 }]);
    expect(errorsOf('x > 1__0')).toEqual([{ code: 'rule_syntax', line: 1, column: 5, length: 4 }]);
    expect(errorsOf('a # b')).toEqual([{ code: 'rule_syntax', line: 1, column: 3, length: 1 }]);
    expect(errorsOf('a & b | c')).toEqual([
      { code: 'rule_syntax', line: 1, column: 3, length: 1 },
      { code: 'rule_syntax', line: 1, column: 7, length: 1 },
    ]);
  });

  it('name the ASCII character a full-width or typographic one stands for', () => {
    const errors = parseExpression('amount ≥ ５ and （a，b）').errors;
    expect(errors.map((e) => [e.column, e.en])).toEqual([
      [8, 'Syntax error at line 1, column 8: unexpected character "≥"; did you mean ">="?'],
      [10, 'Syntax error at line 1, column 10: unexpected character "５"; did you mean "5"?'],
      [16, 'Syntax error at line 1, column 16: unexpected character "（"; did you mean "("?'],
      [18, 'Syntax error at line 1, column 18: unexpected character "，"; did you mean ","?'],
      [20, 'Syntax error at line 1, column 20: unexpected character "）"; did you mean ")"?'],
    ]);
    expect(errors[2]?.zh).toBe('第 1 行第 16 列语法错误：无法识别的字符 "（"；是否想写半角的 "("？');
  });

  it('reject an @ without a list name once', () => {
    expect(errorsOf('x in @')).toEqual([{ code: 'rule_syntax', line: 1, column: 6, length: 1 }]);
  });

  it('reject text after a complete expression and keep looking for errors', () => {
    expect(errorsOf('a > 1 b > 3 c d e f )')).toEqual([
      { code: 'rule_syntax', line: 1, column: 7, length: 1 },
      { code: 'rule_syntax', line: 1, column: 13, length: 1 },
      { code: 'rule_syntax', line: 1, column: 19, length: 1 },
    ]);
    // The echo of an error (here the stray `)` right after it) is not reported again.
    expect(errorsOf('a > 1 b > )')).toEqual([{ code: 'rule_syntax', line: 1, column: 7, length: 1 }]);
  });

  it('stop at the nesting and length limits instead of overflowing the stack', () => {
    const deep = `${'('.repeat(10_000)}x${')'.repeat(10_000)}`;
    const errors = parseExpression(deep.slice(0, EXPRESSION_LIMITS.sourceLengthMax)).errors;
    expect(errors.map((e) => e.code)).toEqual(['rule_too_complex']);
    expect(parseExpression('x'.repeat(EXPRESSION_LIMITS.sourceLengthMax + 1)).errors.map((e) => e.code)).toEqual([
      'rule_too_complex',
    ]);
    expect(parseExpression(`${'-'.repeat(100)}x`).errors.map((e) => e.code)).toEqual(['rule_too_complex']);
  });

  it('never throws on arbitrary junk', () => {
    for (const junk of ['', ')', ']]]', ',,', '@', '"', 'not', 'in in in', '- - -', 'f(,)', 'x in [', '(((']) {
      const parsed = parseExpression(junk);
      expect(parsed.errors.length, junk).toBeGreaterThan(0);
    }
  });
});
