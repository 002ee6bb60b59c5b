export { AmlMonitoringFlow, amlMonitoringModule, monitoredTransactionOf } from './aml/module.ts';
export { AmlReportingFlow, amlReportingModule, paymentTransactions } from './aml-reporting/module.ts';
export {
  CREDIT_ACCOUNT_SHARDS,
  creditModule,
  creditSystemAccountId,
  creditSystemAccountIds,
  ledgerCreditPort,
} from './credit/module.ts';
export {
  CREDIT_CONSENT_RECORD,
  CREDIT_DECISION_RECORD,
  EvidenceFlow,
  type EvidenceSource,
  evidenceModule,
  LEDGER_TRANSFER_RECORD,
  PAYMENT_REFUND_RECORD,
  PAYMENT_TRANSITION_RECORD,
  RISK_DECISION_RECORD,
} from './evidence/module.ts';
export {
  accountStatement,
  type CreditTransferImport,
  type CreditTransferImportResult,
  clearingBook,
  END_TO_END_NOT_PROVIDED,
  type IsoBalance,
  type IsoBookEntry,
  type IsoCreditTransfer,
  type IsoCreditTransferMessage,
  type IsoError,
  type IsoParty,
  type IsoStatement,
  type IsoStatementEntry,
  importCreditTransfers,
} from './payments/iso20022.ts';
export {
  chainFor,
  LEG_CODES,
  LedgerPaymentRail,
  ledgerPaymentRail,
  legId,
  type SystemAccountRole,
  systemAccountId,
} from './payments/ledger-rail.ts';
export { paymentRiskEvent, RiskPaymentsFlow, riskPaymentGate, riskPaymentsModule, verdictOf } from './risk/module.ts';
export { ledgerMoneyPort, scfModule } from './scf/module.ts';
