export { benchRules, DEFAULT_RULESET, ensureDefaultRuleset } from './default-rules.ts';
export { checkThresholds, combine, DECISIONS, type Decision, type Reason, type Thresholds } from './engine/combine.ts';
export { DEFAULT_THRESHOLDS, DecisionEngine, type Evaluation, ListIndex } from './engine/engine.ts';
export { featureCell, featureFrame, RiskModel } from './engine/risk-model.ts';
export { type RiskErrorCode, riskErrors } from './errors.ts';
export { calibrateThreshold, type EvaluationReport, evaluateOnHistory } from './evaluate.ts';
export * from './event.ts';
export { eventFingerprint, eventFromJson, eventJson } from './event-json.ts';
export * from './features/index.ts';
export * from './graph/index.ts';
export { riskMigrations } from './migrations.ts';
export { RISK_MODULE_NAME, riskModule } from './module.ts';
export { createEngineParts, featureCatalog } from './parts.ts';
export type { CaseRecord, DecisionRecord, RulesetRecord } from './risk.repository.ts';
export {
  CASE_PREFIX,
  caseJson,
  DECISION_PREFIX,
  decisionJson,
  type EventInput,
  eventFromInput,
  RULESET_PREFIX,
  rulesetJson,
} from './risk.routes.ts';
export {
  backtestReport,
  CASE_CLOSED_TOPIC,
  CASE_OPENED_TOPIC,
  DECISIONS_TOPIC,
  FRAUD_LISTS,
  RiskService,
} from './risk.service.ts';
export * from './rules/index.ts';
export * from './sources/index.ts';
export {
  type DetectionReport,
  detectionReport,
  type FeatureRows,
  featureRows,
  modelFeatureNames,
  sliceRows,
  thresholdForFpr,
  trainRiskModel,
} from './training.ts';
