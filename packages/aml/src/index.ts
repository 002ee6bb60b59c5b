export { AmlError, type AmlErrorCode, amlErrors } from './errors.ts';
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
export { AmlScreeningService, SCREEN_BATCH_MAX, type ScreeningResult } from './screening/screening.service.ts';
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
