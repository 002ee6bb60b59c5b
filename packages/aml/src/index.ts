export {
  type AmlCase,
  type AmlDeps,
  type AttachmentMeta,
  CASE_DECIDED_TOPIC,
  CASE_ESCALATED_TOPIC,
  CASE_OPENED_TOPIC,
  type CaseDecision,
  type CaseSlaConfig,
  type CaseStatus,
  type CaseSubject,
  type CaseSubjectKind,
  DEFAULT_CASE_SLA,
  type TrailEntry,
} from './cases/case.ts';
export { CASE_PREFIX, caseJson } from './cases/cases.routes.ts';
export { AmlCaseService, type OpenCaseInput } from './cases/cases.service.ts';
export { AmlScreeningCases, type ScreeningCandidate, type ScreeningOutcome } from './cases/screening-cases.ts';
export { AmlError, type AmlErrorCode, amlErrors } from './errors.ts';
export { AmlKycService, KYC_RATED_TOPIC, type StoredRating } from './kyc/kyc.service.ts';
export { DEFAULT_RATING, type KycProfile, type RatingConfig, type RiskRating, rateCustomer } from './kyc/rating.ts';
export { amlMigrations } from './migrations.ts';
export { AML_MODULE_NAME, type AmlModuleService, amlModule } from './module.ts';
export {
  type MonitoringBenchOptions,
  type MonitoringBenchResult,
  runMonitoringBench,
} from './monitoring/bench-monitoring.ts';
export {
  type EvaluationReport,
  evaluateMonitoring,
  type LabelledTransactions,
  type Metrics,
  scoreAlerts,
  simulatedTransactions,
  type TypologyMetrics,
  transactionOf,
} from './monitoring/evaluate.ts';
export {
  type AccountProfile,
  type Alert,
  type AlertChange,
  type AlertEdge,
  type AlertJson,
  alertJson,
  DEFAULT_MONITOR_LIMITS,
  detectBatch,
  Monitor,
  type MonitoredTransaction,
  type MonitorLimits,
} from './monitoring/monitor.ts';
export type { StoredAlert, StoredScenarioVersion } from './monitoring/monitoring.repository.ts';
export { AmlMonitoringService, INGEST_BATCH_MAX } from './monitoring/monitoring.service.ts';
export {
  DEFAULT_SCENARIO_PARAMS,
  defaultScenarios,
  parseScenarioParams,
  SCENARIO_KEYS,
  SCENARIO_STATUSES,
  type ScenarioKey,
  type ScenarioParams,
  type ScenarioStatus,
  type ScenarioVersion,
  scenarioParamsJson,
} from './monitoring/scenarios.ts';
export { type ColumnMap, parseColumnMap, readTransactionsCsv } from './monitoring/transactions-csv.ts';
export {
  REPORT_CSV_COLUMNS,
  REPORT_KINDS,
  type ReportBody,
  type ReportError,
  type ReportKind,
  reportCsv,
  reportXml,
  validateReport,
  validateReportCsv,
  validateReportXml,
} from './reports/report-format.ts';
export { configVersion, DEFAULT_REPORTING, type ReportingConfig } from './reports/reporting.ts';
export type { ReportRecord } from './reports/reports.repository.ts';
export { reportJson } from './reports/reports.routes.ts';
export {
  AmlReportService,
  REPORT_GENERATED_TOPIC,
  REPORT_PREFIX,
  REPORT_SUBMITTED_TOPIC,
} from './reports/reports.service.ts';
export {
  addWorkingDays,
  aggregateDaily,
  businessDayOf,
  type Channel,
  type Counterparty,
  type CustomerType,
  categoryOf,
  type DailyAggregate,
  DEFAULT_THRESHOLDS,
  type Direction,
  LARGE_VALUE_CATEGORIES,
  type LargeValueCategory,
  type Region,
  type ReportableTransaction,
  type Thresholds,
} from './reports/transaction.ts';
export {
  runScreeningBench,
  type ScreeningBenchOptions,
  type ScreeningBenchResult,
} from './screening/bench-screening.ts';
export { formatBirthDate, parseBirthDate } from './screening/birth-date.ts';
export { editDistance, jaroWinkler } from './screening/distance.ts';
export {
  type GeneratedPerson,
  generateList,
  generatePerson,
  ListRandom,
  NOISE_KINDS,
  type NoiseKind,
  type NoisyVariant,
  noisyVariants,
} from './screening/generator.ts';
export { LIST_ENTRIES_MAX, type ListRecord, readCsvNames, readFtmNames } from './screening/lists.ts';
export {
  BIRTH_DATE_ADJUSTMENT,
  type BirthDate,
  type BirthDateOutcome,
  compareBirthDates,
  type MatchExplanation,
  NATIONALITY_ADJUSTMENT,
  type NationalityOutcome,
  type ScreeningSubject,
  scoreMatch,
  type TokenMatch,
  type TokenMatchKind,
} from './screening/match.ts';
export { foldLatin, type NameToken, type NormalizedName, normalizeName } from './screening/normalize.ts';
export { entryKey, type ListKind, type ListVersion } from './screening/screening.repository.ts';
export {
  AmlScreeningService,
  LIST_LOADED_TOPIC,
  SCREEN_BATCH_MAX,
  type ScreeningResult,
} from './screening/screening.service.ts';
export {
  ALIASES_MAX,
  buildScreeningIndex,
  DEFAULT_THRESHOLD,
  type NameRecord,
  screenSubject,
  subjectOf,
  Whitelist,
} from './screening/screening.ts';
export {
  blockingKeys,
  type IndexEntry,
  type ScreeningHit,
  ScreeningIndex,
  type ScreenOptions,
} from './screening/screening-index.ts';
export { type AmlWorkbench, type AmlWorkbenchOptions, amlWorkbenchOf, createAmlWorkbench } from './workbench.ts';
