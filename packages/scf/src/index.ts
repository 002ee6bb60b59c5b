export { type ScfErrorCode, scfErrors } from './errors.ts';
export { scfMigrations } from './migrations.ts';
export { createScfModule, SCF_MODULE_NAME } from './module.ts';
export {
  businessDate,
  daysBetween,
  discountPayout,
  parseRate,
  type Receivable,
  type ReceivableStatus,
  type StepKind,
} from './receivable.ts';
export type { Step, StepPlan } from './scf.repository.ts';
export { receivableJson, stepJson, stepResultJson } from './scf.routes.ts';
export {
  EVIDENCE_TOPIC,
  RECEIVABLE_PREFIX,
  type ScfMoneyPort,
  ScfService,
  STEP_PREFIX,
  STEP_RECORD_TYPE,
  type StepResult,
  stepRecordBody,
} from './scf.service.ts';
