export {
  chainFor,
  LEG_CODES,
  LedgerPaymentRail,
  legId,
  ledgerPaymentRail,
  type SystemAccountRole,
  systemAccountId,
} from './payments/ledger-rail.ts';
