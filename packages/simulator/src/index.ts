/**
 * @zhirong/simulator — a synthetic bank with ground truth: customers, merchants and accounts,
 * everyday payments, labelled fraud scenarios and AML typologies, and loans with outcomes.
 *
 * @example
 * const summary = await runSimulation({ customers: 1000, days: 30, seed: 7 }, {
 *   sinks: [new FileSink({ dir: 'out', format: 'csv' })],
 * });
 */
export { joinPinyin, MOBILE_PREFIXES, REGIONS, type Region, SURNAMES } from './china.ts';
export {
  AML_TYPOLOGIES,
  type AmlTypology,
  DEFAULT_AML_RATES,
  DEFAULT_FRAUD_RATES,
  FRAUD_TYPES,
  type FraudType,
  type SimulationConfig,
  SimulationConfigError,
  type SimulationConfigInput,
  simulationConfig,
} from './config.ts';
export { EVENT_TYPES, type EventType, PAYMENT_SUBTYPES, type SimEvent } from './event.ts';
export {
  LEDGER_ACCOUNT_CODES,
  LedgerStreamError,
  type LedgerStreamOptions,
  type LedgerStreamReport,
  LedgerStreamSink,
  OPENING_BALANCE_CODE,
  seededUuid,
  transferCode,
} from './ledger-stream.ts';
export { annuitySchedule, type Loan } from './loans.ts';
export { CATEGORIES, type MerchantCategory } from './merchant-categories.ts';
export { EVENT_COLUMNS, FileSink, MemorySink, OUTPUT_FORMATS, type OutputFormat } from './output.ts';
export { makeResidentId, parseResidentId, residentIdCheckChar } from './resident-id.ts';
export {
  type BaseRate,
  eventId,
  type Progress,
  type RunOptions,
  runSimulation,
  type SimulationRun,
  type SimulationSink,
  type SimulationSummary,
} from './run.ts';
export type { Scenario } from './scenarios.ts';
export type { Account, Customer, Merchant, World } from './world.ts';
