export * from './ast.ts';
export {
  type CompiledExpression,
  type CompileResult,
  compileExpression,
  type NormalisedSchema,
  normaliseSchema,
  type RuleSchema,
} from './compiler.ts';
export * from './errors.ts';
export { formatExpression, formatString } from './format.ts';
export {
  compileLike,
  type Evaluator,
  type FunctionSignature,
  RULE_FUNCTIONS,
  type RuleEnvironment,
  type ValueType,
} from './functions.ts';
export { isKeyword, type Token, type TokenType, tokenize } from './lexer.ts';
export { EXPRESSION_LIMITS, type ParseResult, PRECEDENCE, parseExpression } from './parser.ts';
export * from './ruleset.ts';
