import type { SourceSpan } from './errors.ts';

/**
 * The syntax tree of a rule expression. Every node carries the span of source text it came from,
 * so the type checker can point at the exact operand that is wrong. The parser never produces a
 * negative number literal outside a list: `-5` is unary minus applied to `5`.
 */
export type Expression =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | FeatureReference
  | UnaryExpression
  | BinaryExpression
  | InExpression
  | CallExpression
  | ErrorNode;

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  readonly span: SourceSpan;
}
export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly span: SourceSpan;
}
export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly span: SourceSpan;
}
export interface NullLiteral {
  readonly kind: 'null';
  readonly span: SourceSpan;
}
export interface FeatureReference {
  readonly kind: 'feature';
  readonly name: string;
  readonly span: SourceSpan;
}
export type UnaryOperator = '-' | 'not';
export interface UnaryExpression {
  readonly kind: 'unary';
  readonly operator: UnaryOperator;
  readonly operand: Expression;
  readonly span: SourceSpan;
}
export const ARITHMETIC_OPERATORS = ['+', '-', '*', '/', '%'] as const;
export const COMPARISON_OPERATORS = ['==', '!=', '<', '<=', '>', '>='] as const;
export const LOGICAL_OPERATORS = ['and', 'or'] as const;
export type BinaryOperator =
  | (typeof ARITHMETIC_OPERATORS)[number]
  | (typeof COMPARISON_OPERATORS)[number]
  | (typeof LOGICAL_OPERATORS)[number];
export interface BinaryExpression {
  readonly kind: 'binary';
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
  /** The operator token, where type errors about the operation point. */
  readonly operatorSpan: SourceSpan;
  readonly span: SourceSpan;
}
/** A literal list element: numbers may be negative here. */
export type ListItem = NumberLiteral | StringLiteral | BooleanLiteral;
export interface ListLiteral {
  readonly kind: 'list';
  readonly items: readonly ListItem[];
  readonly span: SourceSpan;
}
/** `@name`: a named list resolved from the environment when the rule runs. */
export interface ListReference {
  readonly kind: 'listRef';
  readonly name: string;
  readonly span: SourceSpan;
}
export interface InExpression {
  readonly kind: 'in';
  readonly negated: boolean;
  readonly operand: Expression;
  readonly list: ListLiteral | ListReference;
  readonly operatorSpan: SourceSpan;
  readonly span: SourceSpan;
}
export interface CallExpression {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expression[];
  readonly nameSpan: SourceSpan;
  readonly span: SourceSpan;
}
/** Stands where the parser could not make sense of the text; its error is already reported. */
export interface ErrorNode {
  readonly kind: 'error';
  readonly span: SourceSpan;
}

/** The tree without source positions: what two spellings of the same expression share. */
export function stripSpans(node: Expression | ListLiteral | ListReference): unknown {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return { kind: node.kind, value: node.value };
    case 'null':
    case 'error':
      return { kind: node.kind };
    case 'feature':
      return { kind: 'feature', name: node.name };
    case 'listRef':
      return { kind: 'listRef', name: node.name };
    case 'list':
      return { kind: 'list', items: node.items.map(stripSpans) };
    case 'unary':
      return { kind: 'unary', operator: node.operator, operand: stripSpans(node.operand) };
    case 'binary':
      return { kind: 'binary', operator: node.operator, left: stripSpans(node.left), right: stripSpans(node.right) };
    case 'in':
      return { kind: 'in', negated: node.negated, operand: stripSpans(node.operand), list: stripSpans(node.list) };
    case 'call':
      return { kind: 'call', name: node.name, args: node.args.map(stripSpans) };
  }
}
