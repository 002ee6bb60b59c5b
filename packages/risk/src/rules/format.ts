import type { Expression, ListItem } from './ast.ts';
import { PRECEDENCE } from './parser.ts';

function precedenceOf(node: Expression): number {
  switch (node.kind) {
    case 'binary':
      if (node.operator === 'or') return PRECEDENCE.or;
      if (node.operator === 'and') return PRECEDENCE.and;
      if (node.operator === '+' || node.operator === '-') return PRECEDENCE.additive;
      if (node.operator === '*' || node.operator === '/' || node.operator === '%') return PRECEDENCE.multiplicative;
      return PRECEDENCE.comparison;
    case 'in':
      return PRECEDENCE.comparison;
    case 'unary':
      return node.operator === 'not' ? PRECEDENCE.not : PRECEDENCE.unary;
    default:
      return PRECEDENCE.unary + 1;
  }
}

/** A string literal in single quotes, escaping what the lexer would not read back as itself. */
export function formatString(value: string): string {
  let out = "'";
  for (const c of value) {
    if (c === "'") out += "\\'";
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c < ' ' || c === '\u007f' || c === '\u2028' || c === '\u2029') {
      out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    } else out += c;
  }
  return `${out}'`;
}

function formatNumber(value: number): string {
  // String() gives the shortest text that reads back as the same double (`1e+21`, `5e-7`).
  return Object.is(value, -0) ? '-0' : String(value);
}

function formatItem(item: ListItem): string {
  if (item.kind === 'number') return formatNumber(item.value);
  if (item.kind === 'string') return formatString(item.value);
  return String(item.value);
}

/**
 * Prints an expression in canonical form: lower-case keywords, `and`/`or`/`not` rather than
 * `&&`/`||`/`!`, single-quoted strings, and only the parentheses precedence needs. Parsing the
 * result gives the same tree (positions aside).
 */
export function formatExpression(node: Expression): string {
  switch (node.kind) {
    case 'number':
      return formatNumber(node.value);
    case 'string':
      return formatString(node.value);
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'error':
      return '<error>';
    case 'feature':
      return node.name;
    case 'call':
      return `${node.name}(${node.args.map(formatExpression).join(', ')})`;
    case 'unary': {
      const inner = wrap(node.operand, precedenceOf(node.operand) < precedenceOf(node));
      if (node.operator === 'not') return `not ${inner}`;
      // `- -x` and `-(-5)` stay readable and never lex as something else.
      return node.operand.kind === 'unary' && node.operand.operator === '-' ? `-(${inner})` : `-${inner}`;
    }
    case 'binary': {
      const own = precedenceOf(node);
      const comparison = own === PRECEDENCE.comparison;
      const left = wrap(node.left, comparison ? precedenceOf(node.left) <= own : precedenceOf(node.left) < own);
      const right = wrap(node.right, precedenceOf(node.right) <= own);
      return `${left} ${node.operator} ${right}`;
    }
    case 'in': {
      const operand = wrap(node.operand, precedenceOf(node.operand) <= PRECEDENCE.comparison);
      const list =
        node.list.kind === 'listRef' ? `@${node.list.name}` : `[${node.list.items.map(formatItem).join(', ')}]`;
      return `${operand} ${node.negated ? 'not in' : 'in'} ${list}`;
    }
  }
}

function wrap(node: Expression, parenthesise: boolean): string {
  const text = formatExpression(node);
  return parenthesise ? `(${text})` : text;
}
