/**
 * The risk rule language: parse, type-check and compile rules and rulesets (see README.md here).
 * Only the public surface is exported, under names that cannot clash with the rest of
 * `@zhirong/risk`; the syntax tree types are in the `ruleAst` namespace.
 */
export * as ruleAst from './ast.ts';
export {
  type CompiledExpression as CompiledRuleExpression,
  type CompileResult as CompileRuleExpressionResult,
  compileExpression as compileRuleExpression,
  type NormalisedSchema as NormalisedRuleSchema,
  normaliseSchema as normaliseRuleSchema,
  type RuleSchema,
} from './compiler.ts';
export { type RuleDiagnostic, type RuleErrorCode, ruleErrors } from './errors.ts';
export { formatExpression as formatRuleExpression } from './format.ts';
export {
  type Evaluator as RuleEvaluator,
  type FunctionSignature as RuleFunctionSignature,
  RULE_FUNCTIONS,
  type RuleEnvironment,
  type ValueType as RuleValueType,
} from './functions.ts';
export {
  EXPRESSION_LIMITS as RULE_EXPRESSION_LIMITS,
  type ParseResult as RuleParseResult,
  parseExpression as parseRuleExpression,
} from './parser.ts';
export {
  type CompiledRule,
  type CompiledRuleset,
  type CompileRulesetResult,
  compileRuleset,
  formatFeatureValue,
  RULE_ACTIONS,
  RULESET_LIMITS,
  type RuleAction,
  type RuleHit,
  type RuleSource,
} from './ruleset.ts';
