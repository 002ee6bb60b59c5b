/**
 * Labelled event sources for training, backtests and evaluation: simulator runs and the PaySim
 * sample, mapped to RiskEvent with their fraud and AML labels, and a split by time. See README.md.
 */
export { type RowIssue, SourceError, type SourceErrorCode, sourceErrors } from './errors.ts';
export { type LabelledRiskEvent, splitByTime, type TimeSplit } from './labelled.ts';
export {
  PAYSIM_COLUMNS,
  PAYSIM_TYPES,
  type PaysimOptions,
  type PaysimRead,
  parsePaysim,
  paysimEvents,
} from './paysim.ts';
export { collectSimulatorEvents, fromSimEvent, simulatorCustomerId, simulatorEvents } from './simulator.ts';
