export { APR_CAP_DEFAULT, type Apr, aprOf, exceedsCap, irr, rateText } from './apr.ts';
export { type CreditErrorCode, creditErrors } from './errors.ts';
export {
  EMPLOYMENT_TYPES,
  type EmploymentType,
  FEATURE_COLUMNS,
  FEATURE_REASONS,
  type FeatureInputs,
  featureRow,
} from './features.ts';
export {
  ageOn,
  creditCodeCheckCharacter,
  parseCreditCode,
  parseResidentId,
  type ResidentId,
  residentCheckCharacter,
} from './identity-number.ts';
export {
  type Failure,
  fail,
  type Outcome,
  type Quote,
  type QuoteRequest,
  quote,
  quoteJson,
  scheduleJson,
} from './quote.ts';
export {
  addMonths,
  buildSchedule,
  D,
  DAY_COUNTS,
  type DayCount,
  type Installment,
  REPAYMENT_METHODS,
  type RepaymentMethod,
  type Schedule,
} from './schedule.ts';
