export { APR_CAP_DEFAULT, type Apr, aprOf, exceedsCap, irr, rateText } from './apr.ts';
export type { Application, Loan, LoanStatus, Repayment } from './credit.repository.ts';
export { applicationJson, creditFail, loanJson, repaymentJson } from './credit.routes.ts';
export {
  ACCOUNT_HISTORY_DAYS,
  ACCRUAL_BATCH_MAX,
  APPLICATION_PREFIX,
  type ApplicationRequest,
  approveAllScreening,
  type CreditCustomerDataPort,
  type CreditMoneyPort,
  type CreditScreeningPort,
  CreditService,
  DECISION_RECORD_TYPE,
  LOAN_PREFIX,
  type LoanView,
  type Movement,
  PRODUCT_PREFIX,
  REPAYMENT_PREFIX,
  type ScreeningRequest,
  type SystemRole,
  WRITE_OFF_DPD_MIN,
} from './credit.service.ts';
export {
  bundledModels,
  type DecisionInputs,
  type DecisionRecord,
  decide,
  decisionBytes,
  decisionJson,
  defaultModel,
  type FraudDecision,
  gbdtModel,
  MODEL_ROLES,
  type PlatformData,
  POLICY,
  type Screening,
} from './decision.ts';
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
  accruedInterestThrough,
  allocateRepayment,
  type Bucket,
  bucketOf,
  dailyPenalty,
  daysPastDue,
  type InstallmentState,
  payoffAmount,
  prepay,
} from './loan.ts';
export { creditMigrations } from './migrations.ts';
export { CREDIT_MODULE_NAME, createCreditModule } from './module.ts';
export { feeOf, type Product, type ProductRequest, productJson, validateProduct } from './product.ts';
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
export type { ApplicationFact, LoanFact } from './servicing.repository.ts';
export { collectionJson, servicingRoutes, WARNING_PREFIX, warningJson } from './servicing.routes.ts';
export {
  BAD_DPD,
  BUCKET_DPD,
  type CollectionAction,
  type CollectionEntry,
  type CreditMonitoringPort,
  CreditServicing,
  type MonitoredLoan,
  type MonitoringSignal,
  type PortfolioReport,
  portfolioReport,
  VINTAGE_DPD,
  type Warning,
  type WarningKind,
} from './servicing.ts';
