export { AmlReportingFlow, amlReportingModule, paymentTransactions } from './aml-reporting/module.ts';
export {
  CREDIT_ACCOUNT_SHARDS,
  creditModule,
  creditSystemAccountId,
  creditSystemAccountIds,
  ledgerCreditPort,
} from './credit/module.ts';
export { EvidenceFlow, evidenceModule, LEDGER_TRANSFER_RECORD } from './evidence/module.ts';
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
