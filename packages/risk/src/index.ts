export { checkThresholds, combine, DECISIONS, type Decision, type Reason, type Thresholds } from './engine/combine.ts';
export { DEFAULT_THRESHOLDS, DecisionEngine, type Evaluation, ListIndex } from './engine/engine.ts';
export { featureCell, featureFrame, RiskModel } from './engine/risk-model.ts';
export { type RiskErrorCode, riskErrors } from './errors.ts';
export * from './event.ts';
export { eventFingerprint, eventFromJson, eventJson } from './event-json.ts';
export { riskMigrations } from './migrations.ts';
export { RISK_MODULE_NAME, riskModule } from './module.ts';
export type { CaseRecord, DecisionRecord, RulesetRecord } from './risk.repository.ts';
export { caseJson, DECISION_PREFIX, decisionJson, eventFromInput, rulesetJson } from './risk.routes.ts';
export {
  backtestReport,
  CASE_CLOSED_TOPIC,
  CASE_OPENED_TOPIC,
  DECISIONS_TOPIC,
  FRAUD_LISTS,
  RiskService,
} from './risk.service.ts';
